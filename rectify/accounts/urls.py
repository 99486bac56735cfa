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
    path("accounts/otp/", views.SecondFactorVerifyView.as_view(), name="otp-verify"),
    path("accounts/otp/setup/", views.SecondFactorSetupView.as_view(), name="otp-setup"),
    path("accounts/tokens/", views.TokenListView.as_view(), name="tokens"),
    path("accounts/tokens/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
    path("accounts/otp/reset/", views.SecondFactorResetView.as_view(), name="otp-reset"),
]
