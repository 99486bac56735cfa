from django.urls import path

from rectify.sharing import views

app_name = "sharing"

urlpatterns = [
    path("sharing/", views.SubscriptionListView.as_view(), name="list"),
    path("sharing/new/", views.SubscriptionCreateView.as_view(), name="create"),
    path("sharing/<int:pk>/", views.SubscriptionDetailView.as_view(), name="detail"),
    path("sharing/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("sharing/<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
    path("sharing/<int:pk>/revoke/", views.RevokeView.as_view(), name="revoke"),
]
