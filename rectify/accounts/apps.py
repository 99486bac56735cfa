from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rectify.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")

    def ready(self) -> None:
        from rectify.accounts import signals  # noqa: F401  (the role rule on the relation)
        from rectify.accounts.scopes import organization_scope
        from rectify.core.visibility import register_scope

        register_scope("organizations.Organization", organization_scope)
