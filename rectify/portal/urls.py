from django.urls import path

from rectify.portal import public, views

app_name = "portal"

urlpatterns = [
    path("announcements/", views.AnnouncementListView.as_view(), name="announcements"),
    path("announcements/new/", views.AnnouncementCreateView.as_view(), name="announcement-create"),
    path("announcements/<int:pk>/", views.AnnouncementDetailView.as_view(), name="announcement"),
    path("announcements/<int:pk>/edit/", views.AnnouncementEditView.as_view(), name="edit"),
    path("announcements/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("announcements/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("announcements/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("announcements/<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("announcements/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("announcements/<int:pk>/correct/", views.CorrectView.as_view(), name="correct"),
    path("announcements/items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item-edit"),
    path("announcements/items/<int:pk>/remove/", views.ItemRemoveView.as_view(), name="item-remove"),
    # The public portal: no sign-in (rectify.portal.middleware).
    path("public/", public.announcement_list, name="public-list"),
    path("public/announcements/<int:pk>/", public.announcement_detail, name="public-detail"),
    path("public/feed.atom", public.AnnouncementFeed(), name="public-feed"),
    path("public/api/announcements/", public.api_list, name="public-api-list"),
    path("public/api/announcements/<int:pk>/", public.api_detail, name="public-api-detail"),
]
