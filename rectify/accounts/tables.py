import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import User


class AccountTable(tables.Table):
    username = tables.Column(linkify=("accounts:account", {"pk": tables.A("pk")}), verbose_name=_("用户名"))
    full_name = tables.Column(verbose_name=_("姓名"))
    organization = tables.Column(verbose_name=_("所属单位"), order_by=("organization__name",))
    roles = tables.Column(verbose_name=_("角色"), empty_values=(), orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("在用"))
    last_login = tables.DateTimeColumn(verbose_name=_("最近登录"), format="Y-m-d H:i")

    class Meta:
        model = User
        fields = ("username", "full_name", "organization", "roles", "is_active", "last_login")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "accounts"}
        per_page = 50

    def render_roles(self, record):
        return format_html_join("、", "{}", ((role,) for role in record.roles.all()))
