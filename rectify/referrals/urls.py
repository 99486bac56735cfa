from django.urls import path

from rectify.referrals import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.ReferralListView.as_view(), name="list"),
    path("referrals/new/", views.ReferralCreateView.as_view(), name="create"),
    path("referrals/<int:pk>/", views.ReferralDetailView.as_view(), name="detail"),
    path("referrals/<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    path("referrals/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("referrals/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("referrals/<int:pk>/send/", views.SendView.as_view(), name="send"),
    path("referrals/<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("referrals/<int:pk>/conclude/", views.ConcludeView.as_view(), name="conclude"),
]
