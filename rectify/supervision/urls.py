from django.urls import path

from rectify.supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.MatterListView.as_view(), name="matters"),
    path("supervision/new/", views.MatterCreateView.as_view(), name="matter-create"),
    path("supervision/<int:pk>/", views.MatterDetailView.as_view(), name="matter"),
    path("supervision/<int:pk>/assign/", views.AddAssigneeView.as_view(), name="assign"),
    path("supervision/assignments/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("supervision/assignments/<int:pk>/request/", views.RequestClosureView.as_view(), name="request"),
    path("supervision/assignments/<int:pk>/accept/", views.AcceptClosureView.as_view(), name="accept"),
    path("supervision/assignments/<int:pk>/return/", views.ReturnAssignmentView.as_view(), name="return"),
    path("supervision/progress/<int:pk>/attachment/", views.AttachmentView.as_view(), name="attachment"),
    path("circulars/", views.CircularListView.as_view(), name="circulars"),
    path("circulars/new/", views.CircularCreateView.as_view(), name="circular-create"),
    path("circulars/<int:pk>/", views.CircularDetailView.as_view(), name="circular"),
    path("circulars/<int:pk>/edit/", views.CircularEditView.as_view(), name="circular-edit"),
    path("circulars/<int:pk>/approve/", views.ApproveCircularView.as_view(), name="circular-approve"),
    path("circulars/<int:pk>/return/", views.ReturnCircularView.as_view(), name="circular-return"),
    path("circulars/<int:pk>/issue/", views.IssueCircularView.as_view(), name="circular-issue"),
]
