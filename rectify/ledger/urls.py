from django.urls import path

from rectify.ledger import views

app_name = "ledger"

urlpatterns = [
    path("workbench/", views.WorkbenchView.as_view(), name="workbench"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("ledger/choices/<str:kind>/", views.FilterChoicesView.as_view(), name="filter-choices"),
    path("ledger/figures/", views.LedgerFiguresView.as_view(), name="ledger-figures"),
    path("ledger/print/", views.LedgerPrintView.as_view(), name="ledger-print"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding"),
    path("findings/<int:pk>/print/", views.FindingPrintView.as_view(), name="finding-print"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization"),
]
