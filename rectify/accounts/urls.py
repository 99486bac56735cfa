from django.urls import path

from rectify.accounts import views

app_name = "accounts"

urlpatterns = [
    path("otp/", views.SecondFactorVerifyView.as_view(), name="otp-verify"),
    path("otp/setup/", views.SecondFactorSetupView.as_view(), name="otp-setup"),
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
    path("tokens/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
    path("otp/reset/", views.SecondFactorResetView.as_view(), name="otp-reset"),
]
