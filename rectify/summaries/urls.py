from django.urls import path

from rectify.summaries import views

app_name = "summaries"

urlpatterns = [
    path("summaries/", views.SummaryListView.as_view(), name="list"),
    path("summaries/new/", views.SummaryCreateView.as_view(), name="create"),
    path("summaries/<int:pk>/", views.SummaryDetailView.as_view(), name="detail"),
    path("summaries/<int:pk>/edit/", views.SummaryEditView.as_view(), name="edit"),
    path("summaries/<int:pk>/refresh/", views.RefreshView.as_view(), name="refresh"),
    path("summaries/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("summaries/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("summaries/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("summaries/<int:pk>/send/", views.SendView.as_view(), name="send"),
]
