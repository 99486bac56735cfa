"""The analysis's business rules: the similarity index over the ledger, the search for similar findings
(scoped to the user), repeat proposals and their decision, clusters of similar findings.

Ordering of similar findings: the findings of the given unit whose score passes the repeat threshold
come first (best first), then every other result best first. The index is asked for the best of the
unit separately (``unit_first``), so a unit's own earlier findings are found however many findings of
other units score higher.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import AUDIT_ROLES, BUSINESS_ROLES
from rectify.analysis import index
from rectify.analysis.choices import ClusterScope, ProposalState
from rectify.analysis.models import Cluster, RepeatProposal
from rectify.analysis.text import finding_text
from rectify.core.events import publish
from rectify.core.exceptions import ActionRefused
from rectify.core.visibility import restrict

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.findings.models import Finding

MAX_LIMIT = 50
CHUNK = 5000
# A delta larger than this share of the base is folded into a new base.
DELTA_SHARE = 0.2


def root() -> Path:
    return Path(settings.RECTIFY_ANALYSIS_DIR)


def repeat_threshold() -> float:
    return float(settings.RECTIFY_REPEAT_THRESHOLD)


def current_index() -> index.Index:
    return index.load(root())


# --- Building the index -------------------------------------------------------------------------


def documents(queryset=None) -> Iterator[index.Doc]:
    """The findings as index documents (title, description, requirements), in chunks of ids."""
    from rectify.findings.models import Finding, Requirement

    findings = queryset if queryset is not None else Finding.objects.all()
    last = 0
    while True:
        rows = list(
            findings.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "unit_id", "project_id", "project__year", "title", "description")[:CHUNK]
        )
        if not rows:
            return
        texts: dict[int, list[str]] = defaultdict(list)
        for finding_id, text in (
            Requirement.objects.filter(finding_id__in=[r[0] for r in rows]).order_by("finding_id", "number")
        ).values_list("finding_id", "text"):
            texts[finding_id].append(text)
        for pk, unit, project, year, title, description in rows:
            yield index.Doc(pk, unit, project, year, finding_text(title, description, texts.get(pk, ())))
        last = rows[-1][0]


def rebuild() -> dict:
    """Builds a new base segment of every finding and switches to it (the delta starts empty)."""
    started = timezone.now()
    path = index.new_segment_path(root(), "base")
    stats = index.write_segment(path, documents())
    pointer = index.read_pointer(root())
    index.write_pointer(
        root(),
        {
            "base": path.name,
            "delta": None,
            "watermark": started.isoformat(),
            "proposed_through": pointer.get("proposed_through") or started.isoformat(),
        },
    )
    index.remove_unused(root())
    return stats


def refresh() -> dict:
    """Brings the index up to date with the findings entered, changed or imported since the base was
    built (a delta segment of them, with the base's idf), then proposes repeats for the findings
    entered since the last refresh. Does nothing before the first ``rebuild``."""
    from rectify.findings.models import Finding, Requirement

    pointer = index.read_pointer(root())
    if not pointer.get("base"):
        return {"skipped": True}
    started = timezone.now()
    watermark = datetime.datetime.fromisoformat(pointer["watermark"])
    changed = set(Finding.objects.filter(last_updated__gte=watermark).values_list("pk", flat=True))
    changed |= set(Requirement.objects.filter(last_updated__gte=watermark).values_list("finding_id", flat=True))
    base = index.Segment.open(root() / pointer["base"])
    if len(changed) > max(1000, DELTA_SHARE * base.size):
        stats = rebuild()
    else:
        delta = None
        if changed:
            path = index.new_segment_path(root(), "delta")
            index.write_segment(path, documents(Finding.objects.filter(pk__in=changed)), idf_of=base.idf_of)
            delta = path.name
        index.write_pointer(root(), {**pointer, "delta": delta})
        index.remove_unused(root())
        stats = {"delta": len(changed)}
    proposed_through = datetime.datetime.fromisoformat(pointer.get("proposed_through") or pointer["watermark"])
    entered = list(Finding.objects.filter(created__gte=proposed_through).values_list("pk", flat=True))
    for finding_id in entered:
        propose_repeats(finding_id)
    index.write_pointer(root(), {**index.read_pointer(root()), "proposed_through": started.isoformat()})
    stats["proposed_for"] = len(entered)
    return stats


# --- Similar findings ----------------------------------------------------------------------------


@dataclass
class Similar:
    finding: Any
    score: float
    repeat: bool
    same_unit: bool


def may_search(user: User) -> bool:
    """Every business role may search among the findings it sees; the three administrators may not."""
    return bool(user.is_authenticated and user.is_active and user.role_codes & BUSINESS_ROLES)


def similar(
    user: User,
    text: str,
    *,
    unit: int | None = None,
    limit: int = 10,
    exclude: int | None = None,
    before_year: int | None = None,
    exclude_project: int | None = None,
) -> list[Similar]:
    """The findings ``user`` may see most similar to ``text``, best first (the unit's repeats first)."""
    from rectify.findings.models import Finding

    limit = max(1, min(int(limit), MAX_LIMIT))
    found = current_index()
    if not found.size or not (text or "").strip():
        return []
    threshold = repeat_threshold()
    wanted = max(limit * 5, 50)
    visible: dict[int, Any] = {}
    while True:
        hits = found.search(
            text,
            limit=wanted,
            unit=unit,
            unit_first=limit if unit else 0,
            exclude=exclude,
            before_year=before_year,
            exclude_project=exclude_project,
        )
        pks = [hit.pk for hit in hits]
        visible = Finding.objects.restrict(user).select_related("unit", "project").in_bulk(pks)
        if len(visible) >= limit or len(hits) < wanted or wanted >= 5000:
            break
        wanted *= 10
    results = [
        Similar(visible[hit.pk], round(hit.score, 4), hit.score >= threshold, unit is not None and hit.unit == unit)
        for hit in hits
        if hit.pk in visible
    ]
    results.sort(key=lambda r: (not (r.same_unit and r.repeat), -r.score, r.finding.pk))
    return results[:limit]


def similar_to_finding(user: User, finding: Finding, *, limit: int = 5) -> list[Similar]:
    """Earlier findings (of earlier or the same year, other projects) similar to ``finding``."""
    text = finding_text(finding.title, finding.description, finding.requirements.values_list("text", flat=True))
    return similar(
        user,
        text,
        unit=finding.unit_id,
        limit=limit,
        exclude=finding.pk,
        before_year=finding.project.year,
        exclude_project=finding.project_id,
    )


# --- Repeat proposals ------------------------------------------------------------------------------

PROPOSALS_PER_FINDING = 5


def propose_repeats(finding_id: int) -> list[RepeatProposal]:
    """Records proposals that the finding repeats earlier findings scoring above the threshold (same unit
    first), and tells the finding's auditors. Idempotent: a pair is proposed once."""
    from rectify.findings.choices import FindingState
    from rectify.findings.models import Finding

    finding = Finding.objects.select_related("project").filter(pk=finding_id).first()
    if finding is None:
        return []
    found = current_index()
    if not found.size:
        return []
    text = finding_text(finding.title, finding.description, finding.requirements.values_list("text", flat=True))
    threshold = repeat_threshold()
    hits = [
        hit
        for hit in found.search(
            text,
            limit=PROPOSALS_PER_FINDING * 4,
            unit=finding.unit_id,
            unit_first=PROPOSALS_PER_FINDING,
            exclude=finding.pk,
            before_year=finding.project.year,
            exclude_project=finding.project_id,
        )
        if hit.score >= threshold
    ]
    hits.sort(key=lambda h: (h.unit != finding.unit_id, -h.score))
    linked = set(finding.repeats.values_list("pk", flat=True))
    proposed = set(RepeatProposal.objects.filter(finding=finding).values_list("earlier_id", flat=True))
    earlier = (
        Finding.objects.filter(pk__in=[h.pk for h in hits])
        .exclude(state=FindingState.DRAFT)
        .exclude(pk__in=linked | proposed)
        .in_bulk()
    )
    created = []
    with transaction.atomic():
        for hit in hits:
            if hit.pk in earlier and len(created) < PROPOSALS_PER_FINDING:
                created.append(
                    RepeatProposal.objects.create(
                        finding=finding, earlier=earlier[hit.pk], score=hit.score, same_unit=hit.unit == finding.unit_id
                    )
                )
        if created:
            publish("analysis.repeats_proposed", finding, count=len(created))
    return created


def propose_for_existing(*, since_year: int | None = None, progress=None) -> dict:
    """Proposes repeats for findings already in the ledger when the analysis came in (the refresh proposes
    only for findings entered after it): every issued finding, oldest first, or those of audits from
    ``since_year``. Idempotent (a pair is proposed once, a rejected one never again). ``progress(done,
    total)`` is called every 1,000 findings."""
    from rectify.findings.choices import FindingState
    from rectify.findings.models import Finding

    findings = Finding.objects.exclude(state=FindingState.DRAFT)
    if since_year is not None:
        findings = findings.filter(project__year__gte=since_year)
    ids = list(findings.order_by("pk").values_list("pk", flat=True))
    proposed = 0
    for done, finding_id in enumerate(ids, start=1):
        proposed += len(propose_repeats(finding_id))
        if progress is not None and (done % 1000 == 0 or done == len(ids)):
            progress(done, len(ids))
    return {"findings": len(ids), "proposed": proposed}


def proposals_for(user: User, finding: Finding) -> QuerySet:
    """The finding's proposals the user sees, each annotated ``may_act`` (the user may act on it as an
    auditor) in the same query, so the page asks once however many proposals it shows."""
    acting = restrict(RepeatProposal.objects.filter(pk=OuterRef("pk")), user, "act", roles=AUDIT_ROLES)
    return (
        restrict(RepeatProposal.objects.filter(finding=finding), user)
        .annotate(may_act=Exists(acting.values("pk")))
        .select_related("earlier__unit", "earlier__project", "decided_by")
        .order_by("state", "-same_unit", "-score", "pk")
    )


def may_decide(user: User, proposal: RepeatProposal) -> bool:
    return proposal.state == ProposalState.PROPOSED and (
        restrict(RepeatProposal.objects.filter(pk=proposal.pk), user, "act", roles=AUDIT_ROLES).exists()
    )


def _locked(user: User, proposal_id: int) -> RepeatProposal:
    proposal = (
        restrict(RepeatProposal.objects.select_for_update(), user, "act", roles=AUDIT_ROLES)
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise RepeatProposal.DoesNotExist
    if proposal.state != ProposalState.PROPOSED:
        raise ActionRefused(_("该建议已经处理。"), code="invalid_state")
    return proposal


@transaction.atomic
def confirm(user: User, proposal_id: int, *, reason: str = "") -> RepeatProposal:
    """An auditor confirms: the earlier finding is linked as repeated (``findings.link_repeats``, which
    checks the auditor's rights and writes the finding's timeline and history)."""
    from rectify.findings import services as findings

    proposal = _locked(user, proposal_id)
    findings.link_repeats(user, proposal.finding, [proposal.earlier])
    proposal.state = ProposalState.CONFIRMED
    proposal.decided_by, proposal.decided_at, proposal.reason = user, timezone.now(), reason.strip()
    proposal._history_user = user
    proposal.save()
    publish("analysis.repeat_confirmed", proposal, actor=user, finding_id=proposal.finding_id)
    return proposal


@transaction.atomic
def reject(user: User, proposal_id: int, *, reason: str) -> RepeatProposal:
    """An auditor rejects, saying why."""
    if not (reason or "").strip():
        raise ActionRefused({"reason": [_("否定建议须说明理由。")]})
    proposal = _locked(user, proposal_id)
    proposal.state = ProposalState.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.reason = user, timezone.now(), reason.strip()
    proposal._history_user = user
    proposal.save()
    publish("analysis.repeat_rejected", proposal, actor=user, finding_id=proposal.finding_id)
    return proposal


# --- Clusters ------------------------------------------------------------------------------------

NEIGHBOURS = 10


def cluster_threshold() -> float:
    return float(settings.RECTIFY_CLUSTER_THRESHOLD)


def _components(members: list[int], edges: list[tuple[int, int]]) -> list[list[int]]:
    parent = {m: m for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for m in members:
        groups[find(m)].append(m)
    return list(groups.values())


def _clusters_of(rows: dict[int, dict], texts: dict[int, str], found: index.Index) -> list[list[int]]:
    """Connected components of the top-k similarity graph (edges above the cluster threshold) among
    ``rows``, keeping those that span two units or more."""
    limit = cluster_threshold()
    edges = []
    for pk, text in texts.items():
        for hit in found.search(text, limit=NEIGHBOURS * 3, exclude=pk):
            if hit.pk in rows and hit.score >= limit:
                edges.append((pk, hit.pk))
    groups = _components(list(rows), edges)
    return [g for g in groups if len({rows[pk]["unit_id"] for pk in g}) >= 2]


@transaction.atomic
def compute_clusters(jurisdiction_id: int) -> int:
    """Recomputes the clusters of one jurisdiction: across the district, and for each competent
    department across its units (issued findings only). Earlier clusters are retired (soft-deleted)."""
    from rectify.findings.choices import FindingState
    from rectify.findings.models import Finding
    from rectify.organizations.models import Organization

    found = current_index()
    now = timezone.now()
    Cluster.objects.filter(jurisdiction_id=jurisdiction_id).update(deleted_at=now)
    if not found.size:
        return 0
    findings = Finding.objects.filter(project__jurisdiction_id=jurisdiction_id).exclude(state=FindingState.DRAFT)
    rows = {
        row["pk"]: row
        for row in findings.values(
            "pk", "unit_id", "unit__competent_department_id", "project__year", "amount_involved", "title"
        )
    }
    if not rows:
        return 0
    texts = {doc.pk: doc.text for doc in documents(findings)}
    made = 0
    scopes: list[tuple[str, int | None, dict[int, dict]]] = [(ClusterScope.DISTRICT, None, rows)]
    departments = Organization.objects.filter(pk__in={r["unit__competent_department_id"] for r in rows.values()})
    for department in departments:
        units = department.subtree_ids()
        theirs = {pk: r for pk, r in rows.items() if r["unit_id"] in units}
        if len(theirs) >= 2:
            scopes.append((ClusterScope.DEPARTMENT, department.pk, theirs))
    for scope, department_id, members in scopes:
        for group in _clusters_of(members, {pk: texts[pk] for pk in members}, found):
            by_year: dict[str, int] = defaultdict(int)
            for pk in group:
                by_year[str(members[pk]["project__year"])] += 1
            first = min(group)
            cluster = Cluster.objects.create(
                jurisdiction_id=jurisdiction_id,
                scope=scope,
                department_id=department_id,
                title=members[first]["title"][:200],
                representative_id=first,
                unit_count=len({members[pk]["unit_id"] for pk in group}),
                year_count=len(by_year),
                finding_count=len(group),
                amount=sum((members[pk]["amount_involved"] for pk in group), Decimal("0")),
                by_year=dict(sorted(by_year.items())),
                computed_at=now,
            )
            cluster.findings.set(group)
            made += 1
    return made


def clusters_for(user: User) -> QuerySet:
    return restrict(Cluster.objects.all(), user).select_related("department", "jurisdiction")


def cluster_findings(user: User, cluster_id: int) -> QuerySet:
    """The findings of a cluster that ``user`` may see (for the special-campaigns app): raises
    ``Cluster.DoesNotExist`` when the cluster is not the user's to see."""
    from rectify.findings.models import Finding

    cluster = clusters_for(user).get(pk=cluster_id)
    return Finding.objects.restrict(user).filter(clusters=cluster)
