from django.urls import path

from rectify.audits import views

app_name = "audits"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project-create"),
    path("projects/<int:pk>/issue/", views.IssueProjectView.as_view(), name="project-issue"),
]
