import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from rectify.referrals.models import Referral


class ReferralTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name=_("标题"))
    recipient = tables.Column(verbose_name=_("受理机关"), accessor="recipient__name")
    office = tables.Column(verbose_name=_("移送机关"), accessor="office__name")
    sent_at = tables.DateColumn(format="Y-m-d", verbose_name=_("移送时间"))
    feedback_due = tables.DateColumn(format="Y-m-d", verbose_name=_("反馈期限"))

    class Meta:
        model = Referral
        fields = ("title", "ground", "office", "recipient", "state", "sent_at", "feedback_due")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "referral-table"}
        per_page = 50
        order_by = ("-sent_at",)
