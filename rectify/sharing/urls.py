from django.urls import path, re_path

from rectify.sharing import views

app_name = "sharing"

urlpatterns = [
    path("sharing/", views.SubscriptionListView.as_view(), name="list"),
    path("sharing/new/", views.SubscriptionCreateView.as_view(), name="create"),
    path("sharing/<int:pk>/", views.SubscriptionDetailView.as_view(), name="detail"),
    path("sharing/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("sharing/<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
    path("sharing/<int:pk>/revoke/", views.RevokeView.as_view(), name="revoke"),
    path("sharing/units/<int:pk>/package/", views.UnitPackageView.as_view(), name="unit-package"),
    path("sharing/packages/<int:pk>/", views.PackageView.as_view(), name="package"),
    re_path(
        r"^sharing/packages/(?P<pk>[0-9]+)/package\.(?P<kind>xlsx|docx)$",
        views.PackageDownloadView.as_view(),
        name="package-download",
    ),
]
