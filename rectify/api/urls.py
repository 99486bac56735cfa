"""The REST API root: one router, collections in kebab-case plurals (DESIGN.md section 7).

Interviews, referrals, announcements, supervised matters, assessments and notifications join the
router when their models exist.
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from rectify.accounts.api.views import ApiTokenViewSet, MeView, TokenView
from rectify.analysis.api.views import ClusterViewSet, RepeatProposalViewSet, SimilarView
from rectify.api.docs import DocsView, SchemaView
from rectify.assessment.api.views import AssessmentViewSet
from rectify.audits.api.views import AuditProjectViewSet
from rectify.campaigns.api.views import CampaignViewSet, ConsultationViewSet
from rectify.congress.api.views import CongressMatterViewSet, QuestionViewSet
from rectify.documents.api.circulars import CircularDocumentAPIView
from rectify.documents.api.summaries import SummaryReportDocumentAPIView
from rectify.exchange.api.summaries import SummaryAnnexAPIView
from rectify.findings.api.views import CategoryViewSet, FindingEventViewSet, RequirementViewSet
from rectify.interviews.api.views import FollowUpItemViewSet, InterviewViewSet
from rectify.ledger.api.views import FindingViewSet
from rectify.lookback.api.views import LookbackSampleViewSet
from rectify.notifications.api.views import NotificationViewSet
from rectify.organizations.api.views import OrganizationViewSet
from rectify.portal.api.views import AnnouncementViewSet
from rectify.rectification.api.views import (
    DelayExplanationViewSet,
    EvidenceViewSet,
    PlanViewSet,
    ProgressReportViewSet,
    VerificationViewSet,
)
from rectify.references.api.views import BudgetReferenceViewSet, CadreReferenceViewSet, ReferenceDeliveryViewSet
from rectify.referrals.api.views import ReferralViewSet
from rectify.reporting.api.views import EscalationProposalViewSet, ObligationViewSet
from rectify.sharing.api.views import InspectionPackageViewSet, SubscriptionViewSet
from rectify.summaries.api.views import SummaryReportViewSet
from rectify.supervision.api.views import AssignmentViewSet, CircularViewSet, SupervisedMatterViewSet

app_name = "api"

router = DefaultRouter()
router.register("findings", FindingViewSet, basename="finding")
router.register("interviews", InterviewViewSet, basename="interview")
router.register("interview-items", FollowUpItemViewSet, basename="interview-item")
router.register("requirements", RequirementViewSet, basename="requirement")
router.register("finding-events", FindingEventViewSet, basename="finding-event")
router.register("categories", CategoryViewSet, basename="category")
router.register("audit-projects", AuditProjectViewSet, basename="audit-project")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("plans", PlanViewSet, basename="plan")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("verifications", VerificationViewSet, basename="verification")
router.register("delay-explanations", DelayExplanationViewSet, basename="delay-explanation")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reporting-obligations", ObligationViewSet, basename="reporting-obligation")
router.register("escalation-proposals", EscalationProposalViewSet, basename="escalation-proposal")
router.register("summary-reports", SummaryReportViewSet, basename="summary-report")
router.register("supervised-matters", SupervisedMatterViewSet, basename="supervised-matter")
router.register("supervision-assignments", AssignmentViewSet, basename="supervision-assignment")
router.register("circulars", CircularViewSet, basename="circular")
router.register("congress-matters", CongressMatterViewSet, basename="congress-matter")
router.register("congress-questions", QuestionViewSet, basename="congress-question")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("announcements", AnnouncementViewSet, basename="announcement")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("inspection-packages", InspectionPackageViewSet, basename="inspection-package")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("cadre-references", CadreReferenceViewSet, basename="cadre-reference")
router.register("budget-references", BudgetReferenceViewSet, basename="budget-reference")
router.register("reference-deliveries", ReferenceDeliveryViewSet, basename="reference-delivery")
router.register("repeat-proposals", RepeatProposalViewSet, basename="repeat-proposal")
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("lookback-samples", LookbackSampleViewSet, basename="lookback-sample")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/tokens/", ApiTokenViewSet.as_view({"get": "list"}), name="token-list"),
    path(
        "auth/tokens/<str:key>/", ApiTokenViewSet.as_view({"get": "retrieve", "delete": "destroy"}), name="token-detail"
    ),
    path("auth/me/", MeView.as_view(), name="me"),
    path("analysis/similar/", SimilarView.as_view(), name="analysis-similar"),
    # Behind sign-in, like the docs (a session or a token).
    path("schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI from local assets (drf-spectacular-sidecar), its start-up script a file of its own so the
    # Content Security Policy (no inline script) holds. Redoc is left out: its page loads web fonts.
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("documents/", include("rectify.documents.api.urls")),
    path("summary-reports/<int:pk>/document/", SummaryReportDocumentAPIView.as_view(), name="summary-report-document"),
    path("summary-reports/<int:pk>/annex/", SummaryAnnexAPIView.as_view(), name="summary-report-annex"),
    path("circulars/<int:pk>/document/", CircularDocumentAPIView.as_view(), name="circular-document"),
    path("", include(router.urls)),
]
