from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectify.referrals.models import Referral


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    list_display = ("title", "office", "recipient", "ground", "state", "feedback_due")
    list_filter = ("state", "ground")
    search_fields = ("title",)
