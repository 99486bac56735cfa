from django.urls import path

from rectify.findings import views

app_name = "findings"

urlpatterns = [
    path("workbench/", views.WorkbenchView.as_view(), name="workbench"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("ledger/print/", views.LedgerPrintView.as_view(), name="ledger-print"),
    path("ledger/columns/", views.LedgerColumnsView.as_view(), name="ledger-columns"),
    path("ledger/saved/", views.SavedViewCreateView.as_view(), name="saved-view-create"),
    path("ledger/saved/<int:pk>/", views.SavedViewOpenView.as_view(), name="saved-view"),
    path("findings/new/", views.FindingCreateView.as_view(), name="finding-create"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding"),
    path("findings/<int:pk>/print/", views.FindingPrintView.as_view(), name="finding-print"),
    path("findings/<int:pk>/edit/", views.FindingUpdateView.as_view(), name="finding-edit"),
]
