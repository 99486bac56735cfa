from django.urls import path

from rectify.security_log import views

app_name = "security_log"

urlpatterns = [
    path("security-log/", views.LogListView.as_view(), name="list"),
    path("security-log/export.xlsx", views.LogExportView.as_view(), {"fmt": "xlsx"}, name="export-xlsx"),
    path("security-log/export.csv", views.LogExportView.as_view(), {"fmt": "csv"}, name="export-csv"),
]
