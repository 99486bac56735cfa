from django.urls import path

from rectify.congress import views

app_name = "congress"

urlpatterns = [
    path("congress/", views.MatterListView.as_view(), name="matters"),
    path("congress/new/", views.MatterCreateView.as_view(), name="matter-create"),
    path("congress/<int:pk>/", views.MatterDetailView.as_view(), name="matter"),
    path("congress/<int:pk>/questions/new/", views.AddQuestionView.as_view(), name="question-create"),
    path("congress/<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    path("congress/<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("congress/questions/<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
]
