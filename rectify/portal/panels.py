"""Panels of the portal: on the workbench, the publisher's announcements on their way (drafts, awaiting
approval, approved) and the limited circulations addressed to the user's organization (unread first); on a
finding's page, the announcements that carry it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from rectify.core.panels import BOTTOM, FINDING, TOP, WORKBENCH, Panel, register_panel
from rectify.portal.choices import AnnouncementState, Audience
from rectify.portal.scopes import PUBLISHING_ROLES

SHOWN = 8
ON_THE_WAY = (AnnouncementState.DRAFT, AnnouncementState.SUBMITTED, AnnouncementState.APPROVED)


def publishing(user, obj=None) -> dict | None:
    from rectify.portal import services
    from rectify.portal.models import Announcement

    if not (user.is_authenticated and user.organization_id and user.role_codes & PUBLISHING_ROLES):
        return None
    if services.publisher_kind(user) is None:
        return None
    pending = list(
        Announcement.objects.filter(publisher_id=user.organization_id, state__in=ON_THE_WAY)
        .order_by("-last_updated", "-pk")
        .only("pk", "title", "state", "audience", "revision", "kind", "publisher_id")[: SHOWN + 1]
    )
    awaiting = [a for a in pending if a.state == AnnouncementState.SUBMITTED and services.may_approve(user, a)]
    return {"pending": pending[:SHOWN], "more": len(pending) > SHOWN, "awaiting": len(awaiting)}


def circulations(user, obj=None) -> dict | None:
    from rectify.portal.models import Announcement, Reading

    if not (user.is_authenticated and user.organization_id):
        return None
    read = Reading.objects.filter(announcement=OuterRef("pk"), reader_id=user.pk)
    received = list(
        Announcement.objects.restrict(user)
        .filter(audience=Audience.LIMITED, state=AnnouncementState.PUBLISHED, recipients=user.organization_id)
        .annotate(was_read=Exists(read))
        .order_by("was_read", "-published_at", "-pk")
        .only("pk", "title", "publisher_name", "published_at")[: SHOWN + 1]
    )
    if not received:
        return None
    return {
        "circulations": received[:SHOWN],
        "more": len(received) > SHOWN,
        "unread": sum(1 for a in received if not a.was_read),
    }


def finding_announcements(user, finding=None) -> dict | None:
    """On a finding's page: the announcements and circulations (that the user sees) that carry it."""
    from rectify.portal.models import Announcement

    if finding is None or not user.is_authenticated:
        return None
    carrying = list(
        Announcement.objects.restrict(user)
        .filter(items__finding_id=finding.pk)
        .order_by("-published_at", "-created", "-pk")
        .only("pk", "title", "state", "audience", "revision", "published_at")[:SHOWN]
    )
    return {"announcements": carrying} if carrying else None


def register() -> None:
    register_panel(
        Panel("portal.publishing", WORKBENCH, "portal/panels/publishing.html", publishing, position=TOP, order=40)
    )
    register_panel(
        Panel("portal.circulations", WORKBENCH, "portal/panels/circulations.html", circulations, position=TOP, order=8)
    )
    register_panel(
        Panel("portal.finding", FINDING, "portal/panels/finding.html", finding_announcements, position=BOTTOM, order=60)
    )
