from django.urls import path

from rectify.rectification import views

app_name = "rectification"

urlpatterns = [
    path("findings/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("findings/<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("findings/<int:pk>/verify/", views.VerifyView.as_view(), name="verify"),
    path("findings/<int:pk>/delay/", views.DelayView.as_view(), name="delay"),
    path("findings/<int:pk>/delay/decide/", views.DelayDecisionView.as_view(), name="delay-decide"),
    path("findings/<int:pk>/act/<str:name>/", views.TransitionView.as_view(), name="transition"),
    path("evidence/<int:pk>/download/", views.EvidenceFileView.as_view(), name="evidence-download"),
    path(
        "evidence/<int:pk>/preview/",
        views.EvidenceFileView.as_view(),
        {"disposition": "inline"},
        name="evidence-preview",
    ),
]
