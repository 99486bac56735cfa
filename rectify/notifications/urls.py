from django.urls import path

from rectify.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.InboxView.as_view(), name="inbox"),
    path("notifications/read-all/", views.MarkAllReadView.as_view(), name="read-all"),
    path("notifications/preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("notifications/<int:pk>/open/", views.OpenView.as_view(), name="open"),
    path("notifications/<int:pk>/read/", views.MarkReadView.as_view(), name="read"),
]
