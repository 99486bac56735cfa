from django.urls import path

from rectify.lookback import views

app_name = "lookback"

urlpatterns = [
    path("lookback/", views.LookbackView.as_view(), name="index"),
    path("lookback/samples/new/", views.SampleCreateView.as_view(), name="sample-create"),
    path("lookback/samples/<int:pk>/", views.SampleDetailView.as_view(), name="sample"),
    path("lookback/items/<int:pk>/recheck/", views.RecheckView.as_view(), name="recheck"),
]
