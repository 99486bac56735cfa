"""Who sees a subscription, and what a subscription opens (DESIGN.md section 4, source 三(五)).

- a subscription: the subscribing body's supervisor officers (they ask and withdraw: ``act``), and the
  audit offices of its jurisdiction and above (the body's own audit office decides: ``act``);
- findings: an approved subscription adds the published findings it covers, in the body's jurisdiction
  and below, to the ``view`` scope of the body's supervisor officers; never to ``act``. Everything hanging
  off a finding (events, plans, reports, evidence, verifications) follows by its ``visibility_path``;
- interviews and referrals of those findings, once decided or sent (not the audit office's proposals and
  drafts), to read, so an inspection tour sees the accountability the findings led to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rectify.accounts.choices import RoleCode
from rectify.accounts.scopes import is_audit_office_auditor, jurisdiction_ids
from rectify.core.visibility import NOTHING, user_cache
from rectify.organizations.choices import OrganizationKind
from rectify.sharing.choices import SubscriptionState

if TYPE_CHECKING:
    from rectify.accounts.models import User


def is_supervisor_officer(user: User, roles=None) -> bool:
    held = user.role_codes if roles is None else frozenset(roles)
    return (
        RoleCode.SUPERVISOR_OFFICER in held
        and user.organization is not None
        and user.organization.kind == OrganizationKind.OTHER_SUPERVISOR
    )


def subscription_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    if user.organization_id is None:
        return NOTHING
    scope = NOTHING
    if is_supervisor_officer(user, roles):
        scope = Q(subscriber_id=user.organization_id)
    if is_audit_office_auditor(user, roles):
        if action == "act":
            office = Q(subscriber__jurisdiction_id=user.organization.jurisdiction_id)
        else:
            office = Q(subscriber__jurisdiction_id__in=jurisdiction_ids(user))
        scope = office if scope is NOTHING else scope | office
    return scope


def subscribed_findings(user: User) -> Q:
    """The findings the approved subscriptions of the user's body open to it (one query, cached)."""
    from rectify.sharing.models import Subscription

    def compute() -> Q:
        subscriptions = Subscription.objects.filter(
            subscriber_id=user.organization_id, state=SubscriptionState.APPROVED
        )
        scope = NOTHING
        for subscription in subscriptions:
            part = subscription.finding_q()
            scope = part if scope is NOTHING else scope | part
        if scope is NOTHING:
            return NOTHING
        return scope & Q(project__jurisdiction_id__in=jurisdiction_ids(user))

    return user_cache(user, "sharing:findings", compute)


def finding_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """A contribution to the findings' scope: read-only, for supervisor officers of a subscribing body."""
    if action != "view" or user.organization_id is None or not is_supervisor_officer(user, roles):
        return NOTHING
    return subscribed_findings(user)


def _subscribed_finding_ids(user: User):
    from rectify.findings.models import Finding

    return Finding.objects.filter(subscribed_findings(user)).values("pk")


def interview_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """A contribution to ``interviews.Interview``: the decided interviews of the subscribed findings."""
    from rectify.interviews.choices import DECIDED_STATES

    if action != "view" or user.organization_id is None or not is_supervisor_officer(user, roles):
        return NOTHING
    if subscribed_findings(user) is NOTHING:
        return NOTHING
    return Q(finding__in=_subscribed_finding_ids(user), state__in=DECIDED_STATES)


def referral_scope(user: User, action: str, roles: frozenset[str]) -> Q:
    """A contribution to ``referrals.Referral``: the referrals sent that cite a subscribed finding."""
    from rectify.referrals.models import Referral
    from rectify.referrals.scopes import DELIVERED

    if action != "view" or user.organization_id is None or not is_supervisor_officer(user, roles):
        return NOTHING
    if subscribed_findings(user) is NOTHING:
        return NOTHING
    citing = Referral.findings.through.objects.filter(finding_id__in=_subscribed_finding_ids(user))
    return Q(pk__in=citing.values("referral_id"), state__in=DELIVERED)
