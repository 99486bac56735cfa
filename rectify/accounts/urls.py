from django.urls import path

from rectify.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("manage/password-resets/", views.PasswordResetListView.as_view(), name="password-resets"),
    path(
        "manage/password-resets/<int:pk>/approve/",
        views.PasswordResetDecideView.as_view(approve=True),
        name="password-reset-approve",
    ),
    path(
        "manage/password-resets/<int:pk>/refuse/",
        views.PasswordResetDecideView.as_view(approve=False),
        name="password-reset-refuse",
    ),
    path("manage/accounts/", views.AccountListView.as_view(), name="accounts"),
    path("manage/accounts/new/", views.AccountCreateView.as_view(), name="account-create"),
    path("manage/accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account"),
    path("manage/accounts/<int:pk>/edit/", views.AccountEditView.as_view(), name="account-edit"),
    path("manage/accounts/<int:pk>/roles/", views.AccountRolesView.as_view(), name="account-roles"),
    path(
        "manage/accounts/<int:pk>/<str:what>/",
        views.AccountStandingView.as_view(),
        name="account-standing",
    ),
    path("accounts/otp/", views.SecondFactorVerifyView.as_view(), name="otp-verify"),
    path("accounts/otp/setup/", views.SecondFactorSetupView.as_view(), name="otp-setup"),
    path("accounts/tokens/", views.TokenListView.as_view(), name="tokens"),
    path("accounts/tokens/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
    path("accounts/otp/reset/", views.SecondFactorResetView.as_view(), name="otp-reset"),
]
