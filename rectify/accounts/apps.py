from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rectify.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")

    def ready(self) -> None:
        from rectify.accounts import signals
        from rectify.accounts.scopes import organization_scope
        from rectify.core.visibility import register_scope

        register_scope("organizations.Organization", organization_scope)

        from rectify.accounts.tokens import token_scope

        register_scope("knox.AuthToken", token_scope)
        signals.connect()
