from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from rectify.accounts.views import LoginView
from rectify.core.views import healthz

admin.site.site_header = _("审计整改管理系统 · 管理")
admin.site.site_title = _("审计整改管理系统")
admin.site.index_title = _("基础数据管理")

# A database busy in a middleware (a session being saved) is still a 503, not a 500.
handler500 = "rectify.core.views.server_error"

urlpatterns = [
    path("", RedirectView.as_view(url="/workbench/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url="/static/rectify/favicon.svg", permanent=True)),
    path("healthz/", healthz),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("rectify.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("rectify.ledger.urls")),
    path("", include("rectify.findings.urls")),
    path("", include("rectify.rectification.urls")),
    path("", include("rectify.audits.urls")),
    path("", include("rectify.exchange.urls")),
    path("", include("rectify.documents.urls")),
    path("", include("rectify.notifications.urls")),
    path("", include("rectify.reporting.urls")),
    path("", include("rectify.summaries.urls")),
    path("", include("rectify.supervision.urls")),
    path("", include("rectify.congress.urls")),
    path("", include("rectify.interviews.urls")),
    path("", include("rectify.analysis.urls")),
    path("", include("rectify.referrals.urls")),
    path("", include("rectify.sharing.urls")),
    path("", include("rectify.portal.urls")),
    path("", include("rectify.assessment.urls")),
    path("", include("rectify.references.urls")),
    path("", include("rectify.campaigns.urls")),
    path("", include("rectify.lookback.urls")),
    path("", include("rectify.security_log.urls")),
    path("api/", include("rectify.api.urls")),
]
