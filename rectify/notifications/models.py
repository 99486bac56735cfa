"""The inbox and the delivery of each notification over each channel.

A notification is written once per event and person (a unique key); each of its channels gets one
delivery row, claimed before sending and marked sent after, so a job that runs twice sends nothing
twice. Nothing here is deleted: a notification is read, not removed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RestrictedQuerySet
from rectify.notifications.choices import ChannelCode, DeliveryStatus


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="notifications"
    )
    event_key = models.CharField(_("事件标识"), max_length=200)
    event_name = models.CharField(_("事件"), max_length=64, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    object_label = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.BigIntegerField(_("对象编号"), null=True, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient"], name="notification_once_per_event_and_person")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=ChannelCode.choices)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近一次错误"), blank=True)

    class Meta:
        verbose_name = _("通知发送")
        verbose_name_plural = _("通知发送")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.notification} → {self.get_channel_display()}"


class ChannelPreference(models.Model):
    """A person's choice for one channel; no row means the organization's (or the channel's) default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="notification_preferences",
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=ChannelCode.choices)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("个人通知设置")
        verbose_name_plural = _("个人通知设置")
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="preference_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_channel_display()}"


class OrganizationChannel(models.Model):
    """An organization's setting for one channel: whether its people get it by default, and for the
    enterprise-messaging channel, the address of the organization's robot (webhook)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="notification_channels",
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=ChannelCode.choices)
    enabled = models.BooleanField(_("默认启用"), default=True)
    address = models.CharField(_("机器人地址（Webhook）"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("单位通知渠道")
        verbose_name_plural = _("单位通知渠道")
        constraints = [models.UniqueConstraint(fields=["organization", "channel"], name="organization_channel_once")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_channel_display()}"
