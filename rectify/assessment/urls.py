from django.urls import path

from rectify.assessment import views

app_name = "assessment"

urlpatterns = [
    path("assessment/", views.YearListView.as_view(), name="years"),
    path("assessment/schemes/new/", views.SchemeCreateView.as_view(), name="scheme-create"),
    path("assessment/schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme"),
    path("assessment/schemes/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme-edit"),
    path("assessment/schemes/<int:pk>/compute/", views.ComputeView.as_view(), name="compute"),
    path("assessment/schemes/<int:pk>/freeze/", views.FreezeView.as_view(), name="freeze"),
    path("assessment/<int:year>/", views.RankingView.as_view(), name="ranking"),
    path("assessment/units/<int:pk>/", views.AssessmentDetailView.as_view(), name="detail"),
    path("assessment/units/<int:pk>/recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("assessment/units/<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("assessment/units/<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("assessment/lines/<int:pk>/adjust/", views.AdjustView.as_view(), name="adjust"),
]
