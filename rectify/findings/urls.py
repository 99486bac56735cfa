from django.urls import path

from rectify.findings import views

app_name = "findings"

urlpatterns = [
    path("workbench/", views.WorkbenchView.as_view(), name="workbench"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("findings/new/", views.FindingCreateView.as_view(), name="finding-create"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding"),
    path("findings/<int:pk>/edit/", views.FindingUpdateView.as_view(), name="finding-edit"),
    path("findings/<int:pk>/act/<str:name>/", views.TransitionView.as_view(), name="transition"),
]
