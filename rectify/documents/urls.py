from django.urls import path

from rectify.documents import circular_views, interview_views, referral_views, sharing_views, summary_views, views

app_name = "documents"

urlpatterns = [
    path("projects/<int:pk>/documents/notices/", views.ProjectNoticesBatchView.as_view(), name="project-notices"),
    path("ledger/close-out-sheets/", views.CloseOutSheetsBatchView.as_view(), name="close-out-sheets"),
    path("documents/batches/<int:pk>/", views.BatchView.as_view(), name="batch"),
    path("documents/batches/<int:pk>/download/", views.BatchDownloadView.as_view(), name="batch-download"),
    path("projects/<int:pk>/documents/notice.docx", views.NoticeView.as_view(), name="notice"),
    path("findings/<int:pk>/documents/close-out-sheet.docx", views.CloseOutSheetView.as_view(), name="close-out-sheet"),
    path(
        "organizations/<int:pk>/documents/rectification-report.docx",
        views.UnitReportView.as_view(),
        name="unit-report",
    ),
    path("interviews/<int:pk>/notice.docx", interview_views.InterviewNoticeView.as_view(), name="interview-notice"),
    path("referrals/<int:pk>/letter.docx", referral_views.ReferralLetterView.as_view(), name="referral-letter"),
    path("referrals/<int:pk>/package.zip", referral_views.ReferralPackageView.as_view(), name="referral-package"),
    path(
        "sharing/units/<int:pk>/package.docx",
        sharing_views.UnitPackageDocumentView.as_view(),
        name="sharing-package",
    ),
    path("summaries/<int:pk>/document.docx", summary_views.SummaryReportDocumentView.as_view(), name="summary-report"),
    path("circulars/<int:pk>/document.docx", circular_views.CircularDocumentView.as_view(), name="circular"),
]
