from django.urls import path, re_path

from rectify.exchange import assessment_views, sharing_views, summary_views, views

app_name = "exchange"

urlpatterns = [
    path("ledger/export.xlsx", views.LedgerExportView.as_view(), name="ledger-export"),
    path("ledger/template.xlsx", views.LedgerTemplateView.as_view(), name="ledger-template"),
    path("ledger/import/", views.LedgerImportView.as_view(), name="ledger-import"),
    path("ledger/import/<str:key>/confirm/", views.LedgerImportConfirmView.as_view(), name="ledger-import-confirm"),
    re_path(
        r"^ledger/import/jobs/(?P<token>[0-9a-f]{32})/$", views.LedgerImportJobView.as_view(), name="ledger-import-job"
    ),
    re_path(
        r"^ledger/import/progress/(?P<token>[0-9a-f]{32})/$",
        views.LedgerImportProgressView.as_view(),
        name="ledger-import-progress",
    ),
    path("summaries/<int:pk>/annex.xlsx", summary_views.SummaryAnnexView.as_view(), name="summary-annex"),
    path(
        "assessment/<int:year>/export.xlsx", assessment_views.AssessmentExportView.as_view(), name="assessment-export"
    ),
    path("sharing/units/<int:pk>/package.xlsx", sharing_views.UnitPackageView.as_view(), name="sharing-package"),
]
