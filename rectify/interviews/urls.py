from django.urls import path

from rectify.interviews import views

app_name = "interviews"

urlpatterns = [
    path("interviews/", views.InterviewListView.as_view(), name="list"),
    path("interviews/<int:pk>/", views.InterviewDetailView.as_view(), name="detail"),
    path("interviews/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("interviews/<int:pk>/schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("interviews/<int:pk>/hold/", views.HoldView.as_view(), name="hold"),
    path("interviews/<int:pk>/items/new/", views.AddItemView.as_view(), name="add-item"),
    path("interviews/<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("interviews/items/<int:pk>/report/", views.ItemReportView.as_view(), name="item-report"),
    path("interviews/items/<int:pk>/verify/", views.ItemVerifyView.as_view(), name="item-verify"),
]
