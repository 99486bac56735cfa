from django.urls import path

from rectify.documents import views

app_name = "documents"

urlpatterns = [
    path("projects/<int:pk>/documents/notice.docx", views.NoticeView.as_view(), name="notice"),
    path("findings/<int:pk>/documents/close-out-sheet.docx", views.CloseOutSheetView.as_view(), name="close-out-sheet"),
    path(
        "organizations/<int:pk>/documents/rectification-report.docx",
        views.UnitReportView.as_view(),
        name="unit-report",
    ),
]
