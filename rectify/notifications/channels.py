"""The channels a notification travels by, behind one interface.

Every channel says where it would send for a person (``address``; None when it cannot reach them)
and sends one delivery (``send``, raising on failure so the delivery is retried). SMS and the
enterprise-messaging robots (企业微信, 钉钉, 政务协同) go through a gateway named in the settings; the
logging gateways write to the log and keep what they sent in ``OUTBOX`` (demo and tests), the HTTP
gateway posts to the organization's robot address.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from rectify.notifications.choices import ChannelCode

if TYPE_CHECKING:
    from rectify.notifications.models import Notification

logger = logging.getLogger("rectify.notifications")

# What the logging gateways "sent", newest last: (channel, address, text).
OUTBOX: list[tuple[str, str, str]] = []


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.title, self.body, self.url) if part)


class LoggingGateway:
    """Sends nothing: logs the message and keeps it in OUTBOX (the demo's and the tests' gateway)."""

    channel = ""

    def send(self, address: str, message: Message) -> None:
        logger.info("%s → %s: %s", self.channel, address, message.title)
        OUTBOX.append((self.channel, address, message.text))


class LoggingSmsGateway(LoggingGateway):
    channel = ChannelCode.SMS


class LoggingWebhookGateway(LoggingGateway):
    channel = ChannelCode.WEBHOOK


class HttpWebhookGateway:
    """Posts a text message to a robot address in the form 企业微信 and 钉钉 robots accept."""

    timeout = 10

    def send(self, address: str, message: Message) -> None:
        payload = json.dumps({"msgtype": "text", "text": {"content": message.text}}, ensure_ascii=False).encode()
        request = urllib.request.Request(address, data=payload, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            if response.status >= 300:
                raise OSError(f"robot answered {response.status}")


class Channel:
    code: str = ""
    # Whether a person gets this channel when neither they nor their organization said otherwise.
    default_enabled = False
    # Whether a person may switch it off (the inbox is always kept).
    optional = True

    def address(self, user: Any, organization_address: str = "") -> str | None:
        raise NotImplementedError

    def send(self, address: str, notification: Notification) -> None:
        raise NotImplementedError


def message_of(notification: Notification) -> Message:
    base = getattr(settings, "RECTIFY_BASE_URL", "").rstrip("/")
    url = f"{base}{notification.url}" if notification.url and base else notification.url
    return Message(title=notification.title, body=notification.body, url=url)


class InAppChannel(Channel):
    code = ChannelCode.IN_APP
    default_enabled = True
    optional = False

    def address(self, user: Any, organization_address: str = "") -> str | None:
        return "inbox"

    def send(self, address: str, notification: Notification) -> None:
        """The inbox row is the message: nothing more to do."""


class EmailChannel(Channel):
    code = ChannelCode.EMAIL
    default_enabled = True

    def address(self, user: Any, organization_address: str = "") -> str | None:
        return user.email or None

    def send(self, address: str, notification: Notification) -> None:
        message = message_of(notification)
        send_mail(message.title, message.text, None, [address], fail_silently=False)


class SmsChannel(Channel):
    code = ChannelCode.SMS

    def address(self, user: Any, organization_address: str = "") -> str | None:
        return user.phone or None

    def send(self, address: str, notification: Notification) -> None:
        import_string(settings.RECTIFY_SMS_GATEWAY)().send(address, message_of(notification))


class WebhookChannel(Channel):
    code = ChannelCode.WEBHOOK

    def address(self, user: Any, organization_address: str = "") -> str | None:
        return organization_address or None

    def send(self, address: str, notification: Notification) -> None:
        import_string(settings.RECTIFY_WEBHOOK_GATEWAY)().send(address, message_of(notification))


CHANNELS: dict[str, Channel] = {
    channel.code: channel for channel in (InAppChannel(), EmailChannel(), SmsChannel(), WebhookChannel())
}
