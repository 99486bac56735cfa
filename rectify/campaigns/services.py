"""Named actions on special campaigns (专项整治) and consultations (会商). The web, the API and the demo call these.

open_campaign (a competent department or the audit office) ──▶ open ──start_campaign──▶ in progress
    ──conclude_campaign (conclusion, outcome)──▶ concluded
update_campaign (the opener, until concluded; from the version it read: optimistic locking)
report_progress (a unit concerned, until concluded)
record_consultation (the organizer, with the measures agreed) · add_measure · follow_up_measure
(the organizer or the organization responsible)

The findings a campaign or a consultation covers are chosen from the actor's own scope (a department: the
findings of its units; the audit office: its jurisdiction): any other is refused on the ``findings`` field and
nothing is written. Each action writes its step inside its transaction and publishes its event on commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.choices import BUSINESS_ROLES
from rectify.campaigns.choices import CampaignState, CampaignStepKind
from rectify.campaigns.models import AgreedMeasure, Campaign, CampaignProgress, CampaignStep, Consultation
from rectify.campaigns.scopes import MANAGER_ROLES, manages
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.locking import bump_version, check_version, lock_for_action
from rectify.core.request_context import get_request_id
from rectify.findings.choices import FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.organizations.models import Organization

if TYPE_CHECKING:
    from rectify.accounts.models import User

NOT_FOUND = gettext_lazy("专项整治不存在，或不在您的职责范围内。")
MANAGE_REFUSED = gettext_lazy("只有发起专项整治的主管部门或审计机关可以办理这一步。")
OPEN_REFUSED = gettext_lazy("只有主管部门监管人员和审计机关人员可以发起专项整治或会商。")
REPORT_REFUSED = gettext_lazy("只有专项整治涉及的单位可以报送进展。")
CONSULTATION_NOT_FOUND = gettext_lazy("会商不存在，或不在您的职责范围内。")
FOLLOW_UP_REFUSED = gettext_lazy("只有会商组织单位或措施责任单位可以登记落实情况。")

# The most findings one campaign or consultation covers (a sector-wide problem, not the whole ledger).
MAX_FINDINGS = 500


@dataclass(frozen=True)
class MeasureSpec:
    text: str
    organization: Organization
    due_date: datetime.date


@dataclass
class UnitRow:
    """One unit's line of a campaign's tracking table; closed and overdue are derived from the findings."""

    unit: Organization
    findings: list[Finding] = field(default_factory=list)
    last_progress: CampaignProgress | None = None

    @property
    def closed(self) -> int:
        return sum(1 for f in self.findings if f.state == FindingState.CLOSED)

    @property
    def overdue(self) -> int:
        return sum(1 for f in self.findings if f.is_overdue)

    @property
    def open(self) -> int:
        return len(self.findings) - self.closed


# --- who may do what ---------------------------------------------------------------------------


def may_open(user: User) -> bool:
    return bool(user.is_authenticated) and manages(user)


def may_manage(user: User, obj: Campaign | Consultation) -> bool:
    return may_open(user) and user.organization_id == obj.owner_id


def may_report(user: User, campaign: Campaign) -> bool:
    if not (user.is_authenticated and user.organization_id and user.role_codes & BUSINESS_ROLES):
        return False
    if campaign.state == CampaignState.CONCLUDED:
        return False
    return campaign.units.filter(pk=user.organization_id).exists()


def may_follow_up(user: User, measure: AgreedMeasure) -> bool:
    if not (user.is_authenticated and user.organization_id and user.role_codes & BUSINESS_ROLES):
        return False
    return user.organization_id == measure.organization_id or may_manage(user, measure.consultation)


# --- choosers ----------------------------------------------------------------------------------


def finding_choices(user: User) -> QuerySet:
    """The findings the user may put in a campaign or a consultation: those of their own scope as a
    manager (a department: its units' findings; the audit office: its jurisdiction), drafts left out."""
    roles = user.role_codes & MANAGER_ROLES if user.is_authenticated else frozenset()
    if not roles or not manages(user):
        return Finding.objects.none()
    return (
        Finding.objects.restrict(user, "view", roles=roles)
        .exclude(state=FindingState.DRAFT)
        .select_related("unit")
        .order_by("-pk")
    )


def organization_choices(user: User) -> QuerySet:
    """Organizations of the user's jurisdiction (units concerned, lead organization, participants)."""
    org = user.organization if user.is_authenticated else None
    if org is None:
        return Organization.objects.none()
    return Organization.objects.filter(jurisdiction_id=org.jurisdiction_id).order_by("kind", "name")


def chosen_findings(user: User, ids: Iterable[int | Finding]) -> list[Finding]:
    """The findings named, each checked against the user's chooser: any other is refused on ``findings``."""
    wanted = []
    for item in ids:
        pk = item.pk if isinstance(item, Finding) else item
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise ActionRefused({"findings": [_("问题编号「%(id)s」无效。") % {"id": pk}]}) from None
        if pk not in wanted:
            wanted.append(pk)
    if len(wanted) > MAX_FINDINGS:
        raise ActionRefused({"findings": [_("一次最多选择 %(n)s 个问题。") % {"n": MAX_FINDINGS}]})
    found = {f.pk: f for f in finding_choices(user).filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ActionRefused(
            {"findings": [_("问题 %(ids)s 不存在，或不在您的职责范围内。") % {"ids": "、".join(map(str, missing))}]},
            code="invalid",
        )
    return [found[pk] for pk in wanted]


def prefill_findings(user: User, *, cluster: str | None = None, findings: str | None = None) -> list[Finding]:
    """Findings to prefill a new campaign with: a cluster of the analysis app (when installed), or a
    comma-separated list of ids; always filtered through the user's chooser (others silently left out)."""
    queryset = finding_choices(user)
    ids: list[int] = []
    if cluster:
        try:
            from rectify.analysis.services import cluster_findings  # optional: the analysis app may be absent
        except ImportError:
            cluster_findings = None
        if cluster_findings is not None:
            try:
                ids = list(cluster_findings(user, int(cluster)).values_list("pk", flat=True)[:MAX_FINDINGS])
            except (ValueError, LookupError, ObjectDoesNotExist, Http404, ActionRefused):
                ids = []  # an unknown cluster or one outside the user's scope prefills nothing
    if findings:
        ids += [int(part) for part in findings.split(",") if part.strip().isdigit()][:MAX_FINDINGS]
    if not ids:
        return []
    return list(queryset.filter(pk__in=ids)[:MAX_FINDINGS])


# --- campaigns ---------------------------------------------------------------------------------


def _step(actor: User, kind: str, campaign: Campaign, comment: str = "") -> CampaignStep:
    return CampaignStep.objects.create(
        campaign=campaign,
        kind=kind,
        actor=actor,
        actor_name=actor.display_name[:50],
        organization_name=actor.organization.name if actor.organization_id else "",
        at=timezone.now(),
        comment=comment,
        request_id=get_request_id(),
    )


def _check_text(title: str, problem: str, target_date: datetime.date | None, *, new: bool) -> tuple[str, str]:
    title, problem = (title or "").strip(), (problem or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("请填写专项整治名称。")]
    if not problem:
        errors["problem"] = [_("请填写问题表述。")]
    if target_date is None:
        errors["target_date"] = [_("请填写目标完成日期。")]
    elif new and target_date < local_today():
        errors["target_date"] = [_("目标完成日期不能早于今天。")]
    if errors:
        raise ActionRefused(errors)
    return title, problem


def _check_units(actor: User, findings: Sequence[Finding], units: Sequence[Organization] | None):
    """The units concerned: as given (each of the actor's jurisdiction), or derived from the findings."""
    if units is None or not list(units):
        derived: dict[int, Organization] = {}
        for finding in findings:
            derived.setdefault(finding.unit_id, finding.unit)
        return list(derived.values())
    allowed = set(organization_choices(actor).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    outside = [u.name for u in units if u.pk not in allowed]
    if outside:
        raise ActionRefused({"units": [_("单位「%(names)s」不在本区域。") % {"names": "、".join(outside)}]})
    return list(units)


def _check_lead(actor: User, lead: Organization | None) -> Organization:
    if lead is None:
        return actor.organization
    if not organization_choices(actor).filter(pk=lead.pk).exists():
        raise ActionRefused({"lead_organization": [_("牵头单位「%(name)s」不在本区域。") % {"name": lead.name}]})
    return lead


def open_campaign(
    actor: User,
    *,
    title: str,
    problem: str,
    findings: Sequence[Finding | int],
    target_date: datetime.date | None,
    measures: str = "",
    units: Sequence[Organization] | None = None,
    lead_organization: Organization | None = None,
    source: str = "",
) -> Campaign:
    """A competent department (or the audit office) opens a special campaign on findings of its scope."""
    if not may_open(actor):
        raise ActionRefused(OPEN_REFUSED, code="forbidden")
    title, problem = _check_text(title, problem, target_date, new=True)
    chosen = chosen_findings(actor, findings)
    if not chosen:
        raise ActionRefused({"findings": [_("请至少选择一个问题。")]})
    concerned = _check_units(actor, chosen, units)
    lead = _check_lead(actor, lead_organization)
    with transaction.atomic():
        campaign = Campaign(
            owner=actor.organization, lead_organization=lead, title=title[:200], problem=problem,
            measures=(measures or "").strip(), target_date=target_date, opened_by=actor, source=(source or "")[:100],
        )  # fmt: skip
        campaign._history_user = actor
        campaign.save()
        campaign.findings.set(chosen)
        campaign.units.set(concerned)
        _step(
            actor, CampaignStepKind.OPENED, campaign,
            _("涵盖问题 %(n)s 个，涉及单位 %(u)s 个") % {"n": len(chosen), "u": len(concerned)},
        )  # fmt: skip
        publish("campaigns.opened", campaign, actor=actor)
    return campaign


def _lock(actor: User, campaign: Campaign | int) -> Campaign:
    pk = campaign.pk if isinstance(campaign, Campaign) else campaign
    campaign = lock_for_action(Campaign, actor, pk, not_found=str(NOT_FOUND), forbidden=str(MANAGE_REFUSED))
    if not may_manage(actor, campaign):
        raise ActionRefused(MANAGE_REFUSED, code="forbidden")
    return campaign


EDITABLE = ("title", "problem", "measures", "target_date", "lead_organization")


def update_campaign(
    actor: User,
    campaign: Campaign | int,
    *,
    title: str,
    problem: str,
    findings: Sequence[Finding | int],
    target_date: datetime.date | None,
    measures: str = "",
    units: Sequence[Organization] | None = None,
    lead_organization: Organization | None = None,
    version: object = None,
) -> Campaign:
    """The opener corrects a campaign (until concluded) from the version it read; a stale edit changes nothing."""
    with transaction.atomic():
        campaign = _lock(actor, campaign)
        if campaign.state == CampaignState.CONCLUDED:
            raise ActionRefused(_("专项整治已总结，不能再修改。"), code="invalid_state")
        check_version(campaign, version)
        title, problem = _check_text(title, problem, target_date, new=False)
        chosen = chosen_findings(actor, findings)
        if not chosen:
            raise ActionRefused({"findings": [_("请至少选择一个问题。")]})
        concerned = _check_units(actor, chosen, units)
        lead = _check_lead(actor, lead_organization)
        new = {
            "title": title[:200], "problem": problem, "measures": (measures or "").strip(),
            "target_date": target_date, "lead_organization": lead,
        }  # fmt: skip
        changed = [name for name in EDITABLE if getattr(campaign, name) != new[name]]
        old_findings = set(campaign.findings.values_list("pk", flat=True))
        old_units = set(campaign.units.values_list("pk", flat=True))
        if old_findings != {f.pk for f in chosen}:
            changed.append("findings")
        if old_units != {u.pk for u in concerned}:
            changed.append("units")
        if not changed:
            return campaign
        for name in EDITABLE:
            setattr(campaign, name, new[name])
        campaign.findings.set(chosen)
        campaign.units.set(concerned)
        bump_version(campaign)
        campaign._history_user = actor
        campaign.save()
        labels = "、".join(str(Campaign._meta.get_field(name).verbose_name) for name in changed)
        _step(actor, CampaignStepKind.EDITED, campaign, _("修改了%(fields)s") % {"fields": labels})
    return campaign


def start_campaign(actor: User, campaign: Campaign | int, comment: str = "") -> Campaign:
    with transaction.atomic():
        campaign = _lock(actor, campaign)
        if campaign.state != CampaignState.OPEN:
            raise ActionRefused(_("只有已启动的专项整治可以开始推进。"), code="invalid_state")
        campaign.state = CampaignState.IN_PROGRESS
        bump_version(campaign)
        campaign._history_user = actor
        campaign.save()
        _step(actor, CampaignStepKind.STARTED, campaign, (comment or "").strip())
    return campaign


def conclude_campaign(actor: User, campaign: Campaign | int, *, conclusion: str, outcome: str) -> Campaign:
    conclusion, outcome = (conclusion or "").strip(), (outcome or "").strip()
    with transaction.atomic():
        campaign = _lock(actor, campaign)
        if campaign.state != CampaignState.IN_PROGRESS:
            raise ActionRefused(_("只有推进中的专项整治可以总结。"), code="invalid_state")
        errors = {}
        if not conclusion:
            errors["conclusion"] = [_("请填写总结。")]
        if not outcome:
            errors["outcome"] = [_("请填写整治成效。")]
        if errors:
            raise ActionRefused(errors)
        campaign.state = CampaignState.CONCLUDED
        campaign.conclusion, campaign.outcome = conclusion, outcome
        campaign.concluded_by, campaign.concluded_at = actor, timezone.now()
        bump_version(campaign)
        campaign._history_user = actor
        campaign.save()
        _step(actor, CampaignStepKind.CONCLUDED, campaign, conclusion[:500])
        publish("campaigns.concluded", campaign, actor=actor)
    return campaign


def report_progress(
    actor: User, campaign: Campaign | int, *, text: str, reported_on: datetime.date | None = None
) -> CampaignProgress:
    """A unit concerned reports its progress in the campaign."""
    pk = campaign.pk if isinstance(campaign, Campaign) else campaign
    text = (text or "").strip()
    reported_on = reported_on or local_today()
    with transaction.atomic():
        campaign = Campaign.objects.restrict(actor).select_for_update().filter(pk=pk).first()
        if campaign is None:
            raise ActionRefused(NOT_FOUND, code="not_found")
        if not campaign.units.filter(pk=actor.organization_id or 0).exists() or not (actor.role_codes & BUSINESS_ROLES):
            raise ActionRefused(REPORT_REFUSED, code="forbidden")
        if campaign.state == CampaignState.CONCLUDED:
            raise ActionRefused(_("专项整治已总结，不能再报送进展。"), code="invalid_state")
        errors = {}
        if not text:
            errors["text"] = [_("请填写进展情况。")]
        if reported_on > local_today():
            errors["reported_on"] = [_("报送日期不能晚于今天。")]
        if errors:
            raise ActionRefused(errors)
        entry = CampaignProgress.objects.create(
            campaign=campaign, unit=actor.organization, text=text, reported_on=reported_on, reported_by=actor,
            reporter_name=actor.display_name[:50], at=timezone.now(),
        )  # fmt: skip
        _step(actor, CampaignStepKind.PROGRESS, campaign, f"{actor.organization.name}：{text[:200]}")
        publish("campaigns.progress_reported", campaign, actor=actor, unit=actor.organization.name)
    return entry


def tracking_rows(user: User, campaign: Campaign) -> list[UnitRow]:
    """The campaign's table per unit concerned: its findings (of those the user sees) with their states,
    closed and overdue derived, and its last progress. A unit sees its own row only. Three queries."""
    units = list(campaign.units.order_by("name"))
    if not may_manage(user, campaign) and not _reads_all(user, campaign):
        units = [u for u in units if u.pk == user.organization_id]
    rows = {u.pk: UnitRow(u) for u in units}
    for finding in (
        Finding.objects.restrict(user)
        .filter(pk__in=campaign.findings.values("pk"))
        .select_related("unit")
        .order_by("ledger_number")
    ):
        if finding.unit_id in rows:
            rows[finding.unit_id].findings.append(finding)
    for entry in CampaignProgress.objects.filter(campaign=campaign, unit_id__in=list(rows)).order_by("at", "pk"):
        rows[entry.unit_id].last_progress = entry
    return list(rows.values())


def _reads_all(user: User, campaign: Campaign) -> bool:
    """Beyond the opener: the lead organization, and the audit office reading its jurisdiction."""
    from rectify.accounts.scopes import is_audit_office_auditor

    return user.organization_id == campaign.lead_organization_id or is_audit_office_auditor(user)


def visible_progress(user: User, campaign: Campaign) -> QuerySet:
    entries = CampaignProgress.objects.filter(campaign=campaign).select_related("unit").order_by("-at", "-pk")
    if may_manage(user, campaign) or _reads_all(user, campaign):
        return entries
    return entries.filter(unit_id=user.organization_id or 0)


# --- consultations -----------------------------------------------------------------------------


def _check_measures(actor: User, measures: Sequence[MeasureSpec]) -> None:
    allowed = set(
        organization_choices(actor).filter(pk__in=[m.organization.pk for m in measures]).values_list("pk", flat=True)
    )
    for index, spec in enumerate(measures, start=1):
        if not (spec.text or "").strip():
            raise ActionRefused({"measures": [_("第 %(n)s 项措施：请填写议定措施。") % {"n": index}]})
        if spec.organization.pk not in allowed:
            raise ActionRefused(
                {
                    "measures": [
                        _("第 %(n)s 项措施：责任单位「%(org)s」不在本区域。")
                        % {"n": index, "org": spec.organization.name}
                    ]
                }
            )
        if spec.due_date is None:
            raise ActionRefused({"measures": [_("第 %(n)s 项措施：请填写完成期限。") % {"n": index}]})


def _agree(actor: User, consultation: Consultation, spec: MeasureSpec) -> AgreedMeasure:
    measure = AgreedMeasure(
        consultation=consultation, text=spec.text.strip(), organization=spec.organization, due_date=spec.due_date
    )
    measure._history_user = actor
    measure.save()
    publish("campaigns.measure_agreed", measure, actor=actor)
    return measure


def consultation_campaigns(user: User) -> QuerySet:
    """The campaigns a consultation of ``user``'s may belong to: its own organization's, not concluded."""
    return (
        Campaign.objects.restrict(user)
        .filter(owner_id=user.organization_id or 0)
        .exclude(state=CampaignState.CONCLUDED)
    )


def record_consultation(
    actor: User,
    *,
    title: str,
    held_on: datetime.date | None,
    topics: str,
    participants: Sequence[Organization],
    measures: Sequence[MeasureSpec] = (),
    campaign: Campaign | int | None = None,
    findings: Sequence[Finding | int] = (),
) -> Consultation:
    """The organizer records a consultation (会商) among the departments concerned, within one of its
    campaigns or on a set of findings of its scope, with the measures agreed."""
    if not may_open(actor):
        raise ActionRefused(OPEN_REFUSED, code="forbidden")
    title, topics = (title or "").strip(), (topics or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("请填写会商名称。")]
    if not topics:
        errors["topics"] = [_("请填写会商议题。")]
    if held_on is None or held_on > local_today():
        errors["held_on"] = [_("请填写会商日期（不能晚于今天）。")]
    participants = list(participants)
    if not participants:
        errors["participants"] = [_("请选择参加单位。")]
    if errors:
        raise ActionRefused(errors)
    outside = set(p.pk for p in participants) - set(
        organization_choices(actor).filter(pk__in=[p.pk for p in participants]).values_list("pk", flat=True)
    )
    if outside:
        raise ActionRefused({"participants": [_("参加单位不在本区域。")]})
    chosen = chosen_findings(actor, findings)
    measures = list(measures)
    _check_measures(actor, measures)
    with transaction.atomic():
        if campaign is not None:
            campaign = _lock(actor, campaign)
            if campaign.state == CampaignState.CONCLUDED:
                raise ActionRefused({"campaign": [_("专项整治已总结，不能再登记会商。")]})
        elif not chosen:
            raise ActionRefused({"findings": [_("请选择所属专项整治，或至少选择一个问题。")]})
        consultation = Consultation(
            owner=actor.organization, campaign=campaign, title=title[:200], held_on=held_on, topics=topics,
            recorded_by=actor,
        )  # fmt: skip
        consultation._history_user = actor
        consultation.save()
        consultation.participants.set(participants)
        consultation.findings.set(chosen)
        for spec in measures:
            _agree(actor, consultation, spec)
        publish("campaigns.consultation_recorded", consultation, actor=actor)
    return consultation


def _lock_consultation(actor: User, consultation: Consultation | int) -> Consultation:
    pk = consultation.pk if isinstance(consultation, Consultation) else consultation
    consultation = lock_for_action(
        Consultation, actor, pk, not_found=str(CONSULTATION_NOT_FOUND), forbidden=str(MANAGE_REFUSED)
    )
    if not may_manage(actor, consultation):
        raise ActionRefused(MANAGE_REFUSED, code="forbidden")
    return consultation


def add_measure(actor: User, consultation: Consultation | int, spec: MeasureSpec) -> AgreedMeasure:
    with transaction.atomic():
        consultation = _lock_consultation(actor, consultation)
        _check_measures(actor, [spec])
        return _agree(actor, consultation, spec)


def follow_up_measure(
    actor: User, measure: AgreedMeasure | int, *, note: str, done_on: datetime.date | None = None
) -> AgreedMeasure:
    """The organizer or the organization responsible records how a measure was carried out; with a date,
    the measure is done (not overdue any more)."""
    pk = measure.pk if isinstance(measure, AgreedMeasure) else measure
    note = (note or "").strip()
    with transaction.atomic():
        measure = lock_for_action(
            AgreedMeasure.objects.select_related("consultation"), actor, pk,
            not_found=str(CONSULTATION_NOT_FOUND), forbidden=str(FOLLOW_UP_REFUSED),
        )  # fmt: skip
        if not may_follow_up(actor, measure):
            raise ActionRefused(FOLLOW_UP_REFUSED, code="forbidden")
        errors = {}
        if not note:
            errors["note"] = [_("请填写落实情况。")]
        if done_on is not None and done_on > local_today():
            errors["done_on"] = [_("完成日期不能晚于今天。")]
        if errors:
            raise ActionRefused(errors)
        measure.follow_up = note
        measure.done_on = done_on
        measure._history_user = actor
        measure.save()
        publish("campaigns.measure_followed_up", measure, actor=actor)
    return measure
