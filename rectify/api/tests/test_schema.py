"""The OpenAPI document, the local docs pages, and generated requests against every operation."""

from __future__ import annotations

import collections
import re

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error

from rectify.testing import api_token, fuzz_examples

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_validates_without_warnings(tmp_path, world):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    document = (
        APIClient(HTTP_AUTHORIZATION=f"Token {api_token(world['auditor'])}").get("/api/schema/?format=json").json()
    )
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (
        "/api/auth/token/", "/api/findings/", "/api/findings/{id}/", "/api/findings/{id}/issue/",
        "/api/findings/{id}/return/", "/api/findings/{id}/to_long_term/", "/api/findings/{id}/plan/",
        "/api/findings/{id}/reports/", "/api/findings/{id}/verify/", "/api/findings/{id}/delay/",
        "/api/audit-projects/{id}/issue/", "/api/evidence/", "/api/progress-reports/", "/api/verifications/",
        "/api/organizations/", "/api/plans/", "/api/requirements/", "/api/categories/", "/api/finding-events/",
        "/api/auth/tokens/", "/api/auth/tokens/{key}/",
    ):  # fmt: skip
        assert path in paths, path
    # Nothing is deleted but a credential: an API token (DELETE revokes it).
    revocable = {"/api/auth/token/", "/api/auth/tokens/{key}/"}
    assert not any("put" in operations for operations in paths.values())
    assert {path for path, operations in paths.items() if "delete" in operations} == revocable
    filters = {p["name"] for p in paths["/api/findings/"]["get"]["parameters"]}
    assert {"unit", "year", "state", "colour", "kind", "category", "q", "ordering", "page", "page_size"} <= filters
    assert "multipart/form-data" in paths["/api/findings/{id}/reports/"]["post"]["requestBody"]["content"]


def test_the_docs_load_nothing_from_the_internet_and_keep_the_csp(client, world):
    client.force_login(world["auditor"])
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert not re.search(r"<script>", html), "inline script would be blocked by the CSP"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for asset in sources:
        fetched = client.get(asset.replace("&amp;", "&"))
        assert fetched.status_code == 200, asset
    start_up = client.get("/api/docs/?script=")
    assert start_up["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in start_up.content.decode()


# Per operation, mode and id: enough to shake out 5xx, small enough to run in well under a minute.
EXAMPLES = fuzz_examples(8)


# A real object of each collection, so generated requests reach past the 404 of a random id.
def _auditors_notification(ledger) -> int:
    from rectify.accounts.models import User
    from rectify.notifications.models import Notification

    finding = ledger["submitted"]
    notification, _created = Notification.objects.get_or_create(
        recipient=User.objects.get(username="auditor"),
        event_key=f"test:{finding.pk}",
        defaults={
            "event_name": "finding.submitted",
            "title": "问题待核实",
            "url": finding.get_absolute_url(),
            "object_label": "findings.Finding",
            "object_id": finding.pk,
        },
    )
    return notification.pk


def _obligation(ledger) -> int:
    from rectify.reporting.services import sync_obligations

    return sync_obligations(ledger["rectifying_red"].pk)[0].pk


def _escalation(ledger) -> int:
    import datetime

    from rectify.reporting.models import EscalationProposal, Obligation

    obligation = Obligation.objects.get(pk=_obligation(ledger))
    proposal, _created = EscalationProposal.objects.get_or_create(
        obligation=obligation,
        defaults={"finding": obligation.finding, "proposed_on": datetime.date.today(), "days_overdue": 40},
    )
    return proposal.pk


def _interview(ledger) -> int:
    from rectify.interviews.choices import Ground
    from rectify.interviews.models import Interview
    from rectify.interviews.services import propose

    finding = ledger["rectifying_red"]
    made = propose(finding, Ground.REPEAT, basis="屡审屡犯")
    return (made or Interview.objects.get(finding=finding, ground=Ground.REPEAT)).pk


def _interview_item(ledger) -> int:
    import datetime

    from rectify.interviews.models import FollowUpItem

    item, _created = FollowUpItem.objects.get_or_create(
        interview_id=_interview(ledger),
        sequence=1,
        defaults={"title": "清理挂账", "due_date": datetime.date.today(), "responsible": "张三"},
    )
    return item.pk


def _auditors_summary_report(ledger) -> int:
    from rectify.summaries import services

    return services.create_report(ledger["closed"].created_by, kind="committee").pk


def _supervised_matter(ledger):
    import datetime

    from rectify.accounts.models import User
    from rectify.supervision import services
    from rectify.supervision.models import SupervisedMatter

    existing = SupervisedMatter.objects.first()
    if existing is not None:
        return existing
    due = datetime.date.today() + datetime.timedelta(days=60)
    return services.record_matter(
        User.objects.get(username="committee"), kind="decision", title="督办事项", content="限期整改",
        meeting="审计委员会会议", meeting_date=datetime.date.today() - datetime.timedelta(days=1),
        assignees=[services.AssigneeSpec(ledger["submitted"].unit, due)],
    )  # fmt: skip


def _circular(ledger) -> int:
    from rectify.accounts.models import User
    from rectify.supervision import services

    return services.draft_circular(
        User.objects.get(username="committee"), kind="criticism", title="通报", body="正文",
        recipients=[ledger["submitted"].unit],
    ).pk  # fmt: skip


def _congress_matter(ledger):
    import datetime

    from rectify.accounts.models import User
    from rectify.congress import services
    from rectify.congress.models import CongressMatter

    existing = CongressMatter.objects.first()
    if existing is not None:
        return existing
    due = datetime.date.today() + datetime.timedelta(days=60)
    return services.record_matter(
        User.objects.get(username="congress"), kind="special_inquiry", title="专题询问", session="常委会会议",
        held_on=datetime.date.today() - datetime.timedelta(days=1), content="询问",
        questions=[services.QuestionSpec(ledger["submitted"].unit, "请说明", due)],
    )  # fmt: skip


def _auditors_referral(ledger) -> int:
    from rectify.organizations.choices import OrganizationKind
    from rectify.organizations.models import Organization
    from rectify.referrals import services

    finding = ledger["rectifying_red"]
    body = Organization.objects.get(
        kind=OrganizationKind.DISCIPLINE_COMMISSION, jurisdiction=finding.project.jurisdiction
    )
    auditor = ledger["closed"].created_by
    return services.create_referral(auditor, recipient=body, ground="refusal", findings=[finding], facts="拒不整改").pk


def _subscription(ledger) -> int:
    """A pending subscription of a supervising body in the auditor's district (the auditor decides it)."""
    from rectify.accounts.choices import RoleCode
    from rectify.accounts.models import User
    from rectify.organizations.choices import OrganizationKind
    from rectify.sharing import services
    from rectify.sharing.models import Subscription
    from rectify.testing import OrganizationFactory, make_user

    existing = Subscription.objects.filter(subscriber__name="巡察办").first()
    if existing is not None:  # asked for once per mode
        return existing.pk
    unit = ledger["closed"].unit
    body = OrganizationFactory(name="巡察办", kind=OrganizationKind.OTHER_SUPERVISOR, jurisdiction=unit.jurisdiction)
    inspector = User.objects.filter(username="schema_inspector").first() or make_user(
        "schema_inspector", body, RoleCode.SUPERVISOR_OFFICER
    )
    return services.request_subscription(inspector, target="unit", unit=unit, purpose="巡察").pk


def _inspection_package(ledger) -> int:
    """A package the auditor asked for (queued: the job runs after a commit the test never makes)."""
    from rectify.accounts.models import User
    from rectify.sharing import services
    from rectify.sharing.models import InspectionPackage

    auditor = User.objects.get(username="auditor")
    existing = InspectionPackage.objects.filter(requested_by=auditor).first()
    return existing.pk if existing else services.request_package(auditor, ledger["closed"].unit_id).pk


def _announcement(ledger) -> int:
    """A draft announcement of the auditor's office, of its closed public finding."""
    from rectify.accounts.models import User
    from rectify.portal import services
    from rectify.portal.models import Announcement

    existing = Announcement.objects.first()
    if existing is not None:
        return existing.pk
    return services.draft_announcement(User.objects.get(username="auditor"), title="整改情况公告").pk


def _assessment(ledger) -> int:
    """The auditor's unit's assessment for the ledger's year (the scheme made and computed once)."""
    from rectify.accounts.models import User
    from rectify.assessment import services
    from rectify.assessment.models import Assessment, AssessmentScheme

    auditor = User.objects.get(username="auditor")
    finding = ledger["closed"]
    scheme = AssessmentScheme.objects.filter(
        year=finding.project.year, jurisdiction=finding.project.jurisdiction
    ).first()
    if scheme is None:
        scheme = services.create_scheme(auditor, finding.project.year)
        services.compute_scheme(scheme.pk, auditor.pk)
    return Assessment.objects.get(scheme=scheme, unit=finding.unit).pk


def _reference_delivery(ledger) -> int:
    """A cadre reference the auditor's office sent to its organization department (sent once per run)."""
    from rectify.accounts.models import User
    from rectify.organizations.choices import OrganizationKind
    from rectify.organizations.models import Organization
    from rectify.references import services
    from rectify.references.models import ReferenceDelivery

    existing = ReferenceDelivery.objects.first()
    if existing is not None:
        return existing.pk
    auditor = User.objects.get(username="auditor")
    recipient = Organization.objects.get(
        kind=OrganizationKind.ORGANIZATION_DEPARTMENT, jurisdiction=auditor.organization.jurisdiction
    )
    return services.send_reference(auditor, kind="cadre", year=2025, recipient=recipient).pk


def _repeat_proposal(ledger) -> int:
    """A proposal that the submitted finding repeats the closed one (recorded as the job would)."""
    from rectify.analysis.models import RepeatProposal

    proposal, _ = RepeatProposal.objects.get_or_create(
        finding=ledger["submitted"], earlier=ledger["closed"], defaults={"score": 0.5, "same_unit": True}
    )
    return proposal.pk


def _cluster(ledger) -> int:
    """A district cluster of two of the ledger's findings (recorded as the job would)."""
    import datetime

    from django.utils import timezone

    from rectify.analysis.models import Cluster

    finding = ledger["closed"]
    cluster = Cluster.objects.filter(representative=finding).first()
    if cluster is None:
        cluster = Cluster.objects.create(
            jurisdiction_id=finding.project.jurisdiction_id, scope="district", title=finding.title,
            representative=finding, unit_count=2, year_count=1, finding_count=2, by_year={"2025": 2},
            computed_at=timezone.now() - datetime.timedelta(hours=1),
        )  # fmt: skip
        cluster.findings.set([finding, ledger["submitted"]])
    return cluster.pk


def _campaign(ledger):
    """A campaign the auditor's office opened on the closed finding (once)."""
    import datetime

    from rectify.accounts.models import User
    from rectify.campaigns import services
    from rectify.campaigns.models import Campaign

    auditor = User.objects.get(username="auditor")
    existing = Campaign.objects.filter(owner_id=auditor.organization_id).first()
    if existing is not None:
        return existing
    due = datetime.date.today() + datetime.timedelta(days=60)
    return services.open_campaign(
        auditor,
        title="专项整治",
        problem="共性问题",
        findings=[ledger["closed"], ledger["rectifying_red"]],
        target_date=due,
    )


def _consultation(ledger):
    import datetime

    from rectify.campaigns import services
    from rectify.campaigns.models import Consultation

    campaign = _campaign(ledger)
    existing = Consultation.objects.filter(campaign=campaign).first()
    if existing is not None:
        return existing
    unit = ledger["closed"].unit
    due = datetime.date.today() + datetime.timedelta(days=30)
    return services.record_consultation(
        campaign.opened_by, title="会商", held_on=datetime.date.today() - datetime.timedelta(days=1), topics="议题",
        participants=[unit], campaign=campaign, measures=[services.MeasureSpec("措施", unit, due)],
    )  # fmt: skip


def _lookback_sample(ledger):
    from decimal import Decimal

    from rectify.accounts.models import User
    from rectify.lookback import services
    from rectify.lookback.models import LookbackSample

    auditor = User.objects.get(username="auditor")
    existing = LookbackSample.objects.filter(office_id=auditor.organization_id).first()
    if existing is not None:
        return existing
    rules = services.Rules(min_amount=Decimal("0"))
    return services.draw_sample(auditor, title="回头看", seed=1, size=5, rules=rules)


SAMPLE_IDS = {
    "/api/findings/": lambda ledger: ledger["submitted"].pk,
    "/api/audit-projects/": lambda ledger: ledger["draft"].project_id,
    "/api/organizations/": lambda ledger: ledger["draft"].unit_id,
    "/api/requirements/": lambda ledger: ledger["draft"].requirements.first().pk,
    "/api/finding-events/": lambda ledger: ledger["closed"].events.first().pk,
    "/api/categories/": lambda ledger: ledger["draft"].category_id,
    "/api/plans/": lambda ledger: ledger["rectifying_red"].plan.pk,
    "/api/progress-reports/": lambda ledger: ledger["closed"].reports.first().pk,
    "/api/evidence/": lambda ledger: ledger["closed"].reports.first().evidence.first().pk,
    "/api/verifications/": lambda ledger: ledger["closed"].verifications.first().pk,
    "/api/delay-explanations/": lambda ledger: ledger["issued_yellow"].delay_explanations.first().pk,
    "/api/documents/notice/": lambda ledger: ledger["closed"].project_id,
    "/api/documents/close-out-sheet/": lambda ledger: ledger["closed"].pk,
    "/api/documents/unit-report/": lambda ledger: ledger["closed"].unit_id,
    "/api/notifications/": _auditors_notification,
    "/api/reporting-obligations/": _obligation,
    "/api/escalation-proposals/": _escalation,
    "/api/summary-reports/": _auditors_summary_report,
    "/api/supervised-matters/": lambda ledger: _supervised_matter(ledger).pk,
    "/api/supervision-assignments/": lambda ledger: _supervised_matter(ledger).assignments.first().pk,
    "/api/circulars/": _circular,
    "/api/congress-matters/": lambda ledger: _congress_matter(ledger).pk,
    "/api/congress-questions/": lambda ledger: _congress_matter(ledger).questions.first().pk,
    "/api/interviews/": _interview,
    "/api/interview-items/": _interview_item,
    "/api/referrals/": _auditors_referral,
    "/api/subscriptions/": _subscription,
    "/api/inspection-packages/": _inspection_package,
    "/api/announcements/": _announcement,
    "/api/assessments/": _assessment,
    "/api/cadre-references/": lambda ledger: ledger["cadre"].project_id,
    "/api/budget-references/": lambda ledger: ledger["fiscal"].unit_id,
    "/api/reference-deliveries/": _reference_delivery,
    "/api/repeat-proposals/": _repeat_proposal,
    "/api/clusters/": _cluster,
    "/api/campaigns/": lambda ledger: _campaign(ledger).pk,
    "/api/consultations/": lambda ledger: _consultation(ledger).pk,
    "/api/lookback-samples/": lambda ledger: _lookback_sample(ledger).pk,
}


def test_generated_requests_never_meet_a_server_error(world, ledger, wsgi_application, django_settings):
    """Schemathesis, over the real WSGI stack with an auditor's token: every read, the token endpoint and
    every action, positive and negative cases, with random ids and with real ones; no answer may be a 5xx."""
    # The clock stands still in these tests, so no rate window ever passes: the API's own limits are
    # raised past the run's size (the sign-in's stay, and answer 429 to the generated attempts).
    django_settings.RECTIFY_RATE_LIMITS = {**django_settings.RECTIFY_RATE_LIMITS, "api_user": None, "api_address": None}
    token = api_token(world["auditor"])
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_application, headers=headers)
    statuses: collections.Counter = collections.Counter()
    unsatisfiable: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35
    # Revoking the run's own token goes last, so that it does not cut the run short.
    operations.sort(key=lambda operation: (operation.method.upper(), operation.path) == ("DELETE", "/api/auth/token/"))

    def fuzz(operation, mode, path_parameters=None):
        @given(case=operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=path_parameters))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=[not_a_server_error])

        try:
            run()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid (no input but a fixed id).
            assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label
            unsatisfiable.append(operation.label)

    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            fuzz(operation, mode)
            if "{id}" in operation.path and mode == schemathesis.GenerationMode.POSITIVE:
                collection = operation.path.split("{id}")[0]
                fuzz(operation, mode, {"id": SAMPLE_IDS[collection](ledger)})

    print(
        f"\nschemathesis: {len(operations)} operations, {sum(statuses.values())} requests, "
        f"statuses {dict(sorted(statuses.items()))}, no negative cases for {unsatisfiable}"
    )
    assert not any(code >= 500 for code in statuses)
    assert statuses[200] > 100 and statuses[201] > 0
