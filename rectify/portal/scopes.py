"""Who sees announcements and limited circulations inside the system (DESIGN.md section 4).

- The publisher's people (the audit office's auditors and leaders, or the unit's contact and head) see
  their own announcements in every state, and work on them (``act``).
- An audit office's auditors read every released announcement of their jurisdiction and those below.
- A limited circulation, once released, is read by the people of the organizations it went to.
- A public announcement, once released, is public: every business user reads it.

Nobody else: the three administrators see no business data. The public portal does not go through
here; it shows released public announcements only, from their frozen items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import AUDIT_ROLES, BUSINESS_ROLES, UNIT_ROLES
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.core.visibility import NOTHING, any_of
from rectify.portal.choices import RELEASED, Audience

if TYPE_CHECKING:
    from rectify.accounts.models import User

PUBLISHING_ROLES = AUDIT_ROLES | UNIT_ROLES


def announcement_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    from rectify.portal.models import Announcement

    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = []
    if roles & PUBLISHING_ROLES:
        parts.append(Q(publisher_id=org_id))
    if action == "view":
        if is_audit_office_auditor(user, roles):
            parts.append(Q(publisher__jurisdiction_id__in=jurisdiction_ids(user), state__in=RELEASED))
        received = Announcement.recipients.through.objects.filter(organization_id=org_id).values("announcement_id")
        parts.append(Q(audience=Audience.LIMITED, state__in=RELEASED, pk__in=received))
        parts.append(Q(audience=Audience.PUBLIC, state__in=RELEASED))
    return any_of(parts)


def reading_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """A reader's own readings; the publisher's people see who has read their circulations."""
    org_id = user.organization_id
    if org_id is None or not roles & BUSINESS_ROLES:
        return NOTHING
    parts = [Q(reader_id=user.pk)]
    if roles & PUBLISHING_ROLES:
        parts.append(Q(announcement__publisher_id=org_id))
    return any_of(parts) if action == "view" else NOTHING
