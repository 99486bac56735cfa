"""Included by the API at ``api/documents/``."""

from django.urls import path

from rectify.documents.api import views

urlpatterns = [
    path("notice/<int:pk>/", views.NoticeAPIView.as_view(), name="documents-api-notice"),
    path("close-out-sheet/<int:pk>/", views.CloseOutSheetAPIView.as_view(), name="documents-api-close-out-sheet"),
    path("unit-report/<int:pk>/", views.UnitReportAPIView.as_view(), name="documents-api-unit-report"),
]
