from django.urls import path

from rectify.analysis import views

app_name = "analysis"

urlpatterns = [
    path("analysis/", views.AnalysisView.as_view(), name="analysis"),
    path("analysis/clusters/", views.ClusterListView.as_view(), name="clusters"),
    path("analysis/clusters/<int:pk>/", views.ClusterDetailView.as_view(), name="cluster"),
    path("analysis/findings/<int:pk>/similar/", views.FindingSimilarView.as_view(), name="finding-similar"),
    path("analysis/proposals/<int:pk>/confirm/", views.ConfirmView.as_view(), name="proposal-confirm"),
    path("analysis/proposals/<int:pk>/reject/", views.RejectView.as_view(), name="proposal-reject"),
]
