from django.urls import path

from rectify.findings import views

app_name = "findings"

urlpatterns = [
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding"),
]
