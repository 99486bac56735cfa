from django.urls import path

from rectify.reporting import views

app_name = "reporting"

urlpatterns = [
    path("reporting/escalations/", views.EscalationListView.as_view(), name="escalations"),
    path("reporting/escalations/<int:pk>/decide/", views.EscalationDecideView.as_view(), name="escalation-decide"),
]
