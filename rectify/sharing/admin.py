from django.contrib import admin

from rectify.sharing.models import Digest, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("subscriber", "target", "state", "period_days", "created")
    list_filter = ("state", "target")


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("subscription", "period_end", "changed")
