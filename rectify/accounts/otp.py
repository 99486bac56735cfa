"""The second factor (等保 2.0 identity): a TOTP code from an authenticator app (django-otp).

Who owes it: the holders of RECTIFY_OTP_ROLES ("all": everyone; by default the three administrators
and the audit leaders), and the staff and superuser accounts, when RECTIFY_OTP_REQUIRED is on (it is,
outside demo mode); and anyone who has enrolled a device. After the password, such a session reaches
only the verification page (or, without a device yet, the enrolment page) until a code is given;
the API counts the session only then, and ``POST /api/auth/token/`` asks for the code (``otp``).
Whether the signed-in user owes the code is worked out at sign-in and kept in the session.
"""

from __future__ import annotations

import io
from base64 import b32encode
from typing import TYPE_CHECKING

from django.conf import settings
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rectify.accounts.models import User

SESSION_KEY = "rectify_otp_owed"

# Sent with user, request (or None), success (bool) and step ("sign_in", "token" or "enrol") at each
# code checked, for the security log.
code_checked = Signal()


def verify(user: User, device: TOTPDevice, code: str, *, step: str, request: HttpRequest | None = None) -> bool:
    """Whether ``code`` is the device's current one (django-otp refuses replays and slows down guessing)."""
    success = device.verify_token((code or "").strip())
    code_checked.send(sender=TOTPDevice, user=user, request=request, success=success, step=step)
    return success


def required_by_policy(user: User) -> bool:
    """Whether the settings make ``user`` give a second factor."""
    if not getattr(settings, "RECTIFY_OTP_REQUIRED", False):
        return False
    roles = set(getattr(settings, "RECTIFY_OTP_ROLES", ()))
    if "all" in roles or user.is_superuser or user.is_staff:
        return True
    return bool(roles & set(user.role_codes))


def confirmed_device(user: User) -> TOTPDevice | None:
    if not user.pk:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def owes_second_factor(user: User) -> bool:
    return required_by_policy(user) or confirmed_device(user) is not None


def remember_at_sign_in(request: HttpRequest, user: User) -> None:
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = owes_second_factor(user)


def session_is_verified(request: HttpRequest) -> bool:
    """Whether the request's signed-in session may be used: no second factor owed, or given."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return True
    owed = request.session.get(SESSION_KEY)
    if owed is None:  # a session from before the second factor: asked once
        owed = owes_second_factor(user)
        request.session[SESSION_KEY] = owed
    if not owed:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def check_code(user: User, code: str | None, request: HttpRequest | None = None) -> TOTPDevice | None:
    """The device a token request's ``otp`` code verifies, or None when the user owes no second factor.

    Raises ValueError with the message to show when the code is owed and missing or wrong."""
    device = confirmed_device(user)
    if device is None:
        if required_by_policy(user):
            raise ValueError(_("该账号须使用动态口令，但尚未绑定：请先在网页登录并绑定动态口令。"))
        return None
    if not code:
        raise ValueError(_("该账号须提供动态口令（otp）。"))
    if not verify(user, device, code, step="token", request=request):
        raise ValueError(_("动态口令不正确或已过期。"))
    return device


def pending_device(user: User) -> TOTPDevice:
    """The device being enrolled (not yet confirmed), made on first need."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(_("动态口令")), confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand (base32, in groups of four)."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment address as an SVG QR code, drawn here: no image service, no internet."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # without the XML declaration, to sit inside the page


def reset(user: User) -> int:
    """Removes every device of ``user`` (a lost phone): they enrol again at their next sign-in."""
    count, _by_model = TOTPDevice.objects.filter(user_id=user.pk).delete()
    return count


def confirm(device: TOTPDevice, code: str, request: HttpRequest | None = None) -> bool:
    """Confirms an enrolment with a first code; other devices of the user are retired."""
    if not verify(device.user, device, code, step="enrol", request=request):
        return False
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True
