from django.urls import path

from rectify.organizations import views

app_name = "organizations"

urlpatterns = [
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization"),
]
