from django.urls import path

from rectify.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign"),
    path("campaigns/<int:pk>/edit/", views.CampaignEditView.as_view(), name="edit"),
    path("campaigns/<int:pk>/start/", views.StartView.as_view(), name="start"),
    path("campaigns/<int:pk>/conclude/", views.ConcludeView.as_view(), name="conclude"),
    path("campaigns/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("consultations/", views.ConsultationListView.as_view(), name="consultations"),
    path("consultations/new/", views.ConsultationCreateView.as_view(), name="consultation-create"),
    path("consultations/<int:pk>/", views.ConsultationDetailView.as_view(), name="consultation"),
    path("consultations/<int:pk>/measures/new/", views.AddMeasureView.as_view(), name="measure-create"),
    path("consultations/measures/<int:pk>/follow-up/", views.FollowUpView.as_view(), name="follow-up"),
]
