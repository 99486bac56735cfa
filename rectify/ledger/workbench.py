"""What awaits each user (工作台): the tasks of their roles, with counts and due dates, most urgent first.

Each task is a condition on the findings the user may see and an order. Three queries at most answer
them all, whatever the number of tasks and findings:

- the tasks whose condition the tallies express (a state, a colour, a unit …) are counted from the
  tally rows (one query);
- the others (a report awaiting verification, a return, a delay explanation) are counted from the
  findings that meet one of them (one query: the OR of their conditions lets the indexes on state
  and deadline choose the rows, instead of a filtered count over every finding in scope);
- one fetches the first few findings of each task: each task's first ``ITEMS_SHOWN`` by its own order
  and LIMIT (an index scan, not a sort of the whole scope), the union of those few rows then ranked per
  task by a row number partitioned by the task's condition.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
from rectify.core.visibility import NOTHING, scope_q, user_cache
from rectify.findings.choices import Colour, EventKind, FindingState
from rectify.findings.denormalized import SCAN
from rectify.findings.models import Finding, FindingEvent
from rectify.findings.paging import in_default_order, mergeable, merged_page
from rectify.findings.scopes import SUMMARY_ROLES, summary_findings, summary_q
from rectify.findings.warning import RUNNING_STATES, colour_q, local_today
from rectify.ledger.figures import ledger_figures
from rectify.rectification.choices import Verdict
from rectify.rectification.models import DelayExplanation, ProgressReport, Verification
from rectify.tallies.figures import TallyScope, both, grain_for, rows, tally_figures, tally_scope, without_subsumed
from rectify.tallies.models import FindingTally
from rectify.tallies.services import ensure_fresh

if TYPE_CHECKING:
    from rectify.accounts.models import User

ITEMS_SHOWN = 8


@dataclass
class Task:
    key: str
    title: str
    hint: str
    condition: Q | Exists  # on the findings the user may see
    order_by: list = field(default_factory=list)
    filters: dict = field(default_factory=dict)
    style: str = "primary"
    # Which date the items show: the deadline, when the next report falls due (``due``) or when the
    # latest report came in (``reported_at``). The list says which.
    shows: str = "deadline"
    # Whether the items show why the auditor returned them (``return_reasons``, ``return_verdict``).
    shows_return: bool = False
    # The condition without its colour and the tally's count of that colour ("red", "yellow"), for the
    # tallies to count a colour task (they keep the colours counted, not the deadlines).
    colour: tuple[Q, str] | None = None
    count: int = 0
    items: list[Finding] = field(default_factory=list)

    @property
    def date_label(self) -> str:
        return {"reported_at": _("报送日")}.get(self.shows, _("整改期限"))

    @property
    def url(self) -> str:
        return reverse("ledger:ledger") + ("?" + urlencode(self.filters, doseq=True) if self.filters else "")


def _unverified_latest_report() -> Exists:
    # ``latest`` sits two levels down: its finding is the outer query's, not the report's it is compared with.
    latest = ProgressReport.objects.filter(finding=OuterRef(OuterRef("pk"))).order_by("-round").values("round")[:1]
    return Exists(ProgressReport.objects.filter(finding=OuterRef("pk"), round=latest, verification__isnull=True))


def _live_delay_explanation() -> Exists:
    """An explanation whose expected completion date has not yet passed."""
    return Exists(DelayExplanation.objects.filter(finding=OuterRef("pk"), expected_completion__gte=local_today()))


def _last_report_at() -> Subquery:
    """When the finding's latest report round came in (NULL without one)."""
    return Subquery(
        ProgressReport.objects.filter(finding=OuterRef("pk"))
        .order_by()
        .values("finding")
        .annotate(latest=Max("submitted_at"))
        .values("latest"),
        output_field=DateTimeField(),
    )


def _transitions():
    return FindingEvent.objects.filter(kind=EventKind.TRANSITION).order_by()


def returned_q() -> Q:
    """Findings returned for rework (部分整改、未整改 or 退回) on which the unit has not reported again:
    rectifying, and the last move that brought them there was the return."""
    later = _transitions().filter(finding=OuterRef(OuterRef("pk")), at__gt=OuterRef("at"))
    returns = _transitions().filter(finding=OuterRef("pk"), action="return")
    return Q(state=FindingState.RECTIFYING) & Exists(returns.filter(~Exists(later)))


def _return_reasons() -> Subquery:
    """Why the finding was last returned (the auditor's reasons, recorded as the move's comment)."""
    returns = _transitions().filter(finding=OuterRef("pk"), action="return").order_by("-at", "-pk")
    return Subquery(returns.values("comment")[:1])


def _return_verdict() -> Subquery:
    """The verdict on the round that was returned (NULL when the auditor returned it without one)."""
    verdicts = Verification.objects.filter(finding=OuterRef("pk")).order_by("-verified_at", "-pk")
    return Subquery(verdicts.values("verdict")[:1])


def _within(scope: Q, condition: Q) -> Q:
    return NOTHING if scope is NOTHING else scope & condition


def _tasks(user: User) -> list[Task]:
    """The tasks of the user's roles, each a condition on what the user may see."""
    tasks: list[Task] = []
    red, yellow = colour_q(Colour.RED), colour_q(Colour.YELLOW)
    deadline = [F("deadline").asc(nulls_last=True), F("pk").asc()]
    if user.has_role(*AUDIT_ROLES, RoleCode.INTERNAL_AUDITOR):
        # An auditor's tasks, and an internal auditor's on its own unit's internal audits (source 四(三)).
        scope = scope_q(Finding, user, "act", roles={RoleCode.AUDITOR, RoleCode.INTERNAL_AUDITOR})
        waiting = Case(When(state=FindingState.SUBMITTED, then=_last_report_at()), output_field=DateTimeField())
        tasks += [
            Task(
                "to_verify", _("待核实的整改报告"), _("单位已报送，等待核实认定"),
                _within(scope, Q(state=FindingState.SUBMITTED)), [waiting.asc(nulls_last=True), F("pk").asc()],
                {"state": FindingState.SUBMITTED}, "success", shows="reported_at",
            ),
            Task(
                "long_term_reports", _("持续整改待核实的报告"), _("持续整改事项报送的阶段性情况"),
                _within(scope, Q(state=FindingState.LONG_TERM) & Q(_unverified_latest_report())), deadline,
                {"state": FindingState.LONG_TERM}, "info",
            ),
            Task(
                "to_issue", _("待下达的问题"), _("审计实施中登记的问题，随审计报告下达"),
                _within(scope, Q(state=FindingState.DRAFT)),
                [F("project__started_on").asc(nulls_last=True), F("ledger_number").asc()],
                {"state": FindingState.DRAFT}, "secondary",
            ),
            Task(
                "overdue", _("逾期未完成整改"), _("已超过整改期限，须督促或约谈"),
                _within(scope, red), deadline, {"colour": Colour.RED}, "danger", colour=(scope, "red"),
            ),
        ]  # fmt: skip
    if user.has_role(*UNIT_ROLES):
        own = Q(unit_id=user.organization_id)
        returned = returned_q()
        tasks += [
            Task(
                "returned", _("被退回、须重新整改"), _("审计机关认定未完成整改并退回，请按退回原因重新整改后再次报送"),
                own & returned, deadline, {"state": FindingState.RECTIFYING}, "danger", shows_return=True,
            ),
            Task(
                "overdue_unexplained", _("已逾期、须说明原因"), _("未在规定时间内整改又未说明原因的，将约谈主要负责人"),
                own & red & ~Q(_live_delay_explanation()), deadline, {"colour": Colour.RED}, "danger",
            ),
            Task(
                "to_plan", _("待制定整改方案"), _("审计报告已下达，请制定整改方案"),
                own & Q(state=FindingState.ISSUED), deadline, {"state": FindingState.ISSUED}, "primary",
            ),
            Task(
                "to_report", _("待报送整改情况"), _("整改中的问题，按期限先后排列，已逾期的在前"),
                own & Q(state=FindingState.RECTIFYING) & ~returned, deadline,
                {"state": FindingState.RECTIFYING}, "warning",
            ),
            Task(
                "awaiting_verification", _("等待审计机关核实"), _("已报送的整改情况"),
                own & Q(state=FindingState.SUBMITTED), deadline, {"state": FindingState.SUBMITTED}, "secondary",
            ),
        ]  # fmt: skip
    if user.has_role(RoleCode.DEPT_SUPERVISOR, RoleCode.ORG_OFFICER, RoleCode.FINANCE_OFFICER):
        watched = ~Q(unit_id=user.organization_id) if user.has_role(*UNIT_ROLES) else Q()
        running = [*RUNNING_STATES, FindingState.SUBMITTED]
        tasks += [
            Task(
                "watch_overdue", _("逾期未整改（督促）"), _("职责范围内已逾期的问题"),
                watched & red, deadline, {"colour": Colour.RED}, "danger", colour=(watched, "red"),
            ),
            Task(
                "watch_near", _("临近整改期限"), _("距整改期限不足预警天数的问题"),
                watched & yellow, deadline, {"colour": Colour.YELLOW}, "warning", colour=(watched, "yellow"),
            ),
            Task(
                "watch_open", _("整改中的问题"), _("职责范围内尚未销号的问题"),
                watched & Q(state__in=running), deadline, {"state": running}, "secondary",
            ),
        ]  # fmt: skip
    return tasks


def figures_scope(user: User) -> TallyScope | None:
    """The tally condition of the figures the user may see (``summary_findings``), the tallies brought up
    to date first; None when the scope reads something the tallies do not keep (count the findings)."""

    def compute() -> TallyScope | None:
        # Those who see rows see figures of their rows: the view scope, already simplified (``_view``).
        scope = tally_scope(summary_q(user) if user.role_codes & SUMMARY_ROLES else _view(user))
        if scope is not None:
            fresh_tallies(user)
        return scope

    return user_cache(user, "tallies:figures", compute)


def fresh_tallies(user: User) -> None:
    """The tallies brought up to date, once per request."""
    user_cache(user, "tallies:fresh", ensure_fresh)


def summary_figures(user: User) -> dict:
    """``ledger_figures`` of what the user may see figures of: from the tallies where they express the scope."""
    scope = figures_scope(user)
    if scope is None:
        return ledger_figures(summary_findings(user))
    return tally_figures(scope)


def _ledger_scope(user: User, filters: Q | None) -> TallyScope | None:
    """The tally condition of the user's ledger filtered by ``filters``, the tallies brought up to date; None
    when the tallies cannot tell (count the findings)."""
    view = user_cache(user, "tallies:view-scope", lambda: tally_scope(_view(user)))
    scope = narrowed(view, filters)
    if scope is not None:
        fresh_tallies(user)
    return scope


def filtered_figures(user: User, filters: Q | None, findings: QuerySet) -> dict:
    """``ledger_figures`` of ``findings``, the user's ledger filtered by ``filters`` (``FindingFilterSet.plain_q``):
    from the tallies when they express both the user's view and the filters, else counted from the findings."""
    scope = _ledger_scope(user, filters)
    return ledger_figures(findings) if scope is None else tally_figures(scope)


def narrowed(scope: TallyScope | None, filters: Q | None) -> TallyScope | None:
    """``scope`` (a tally condition) and the findings ``filters`` picks, or None if the tallies cannot tell."""
    if scope is None or filters is None:
        return None
    chosen = tally_scope(filters)
    return both(scope, chosen) if chosen is not None else None


def tallied_spread(user: User, filters: Q | None, colours: tuple[str, ...] = ()) -> dict[int, int] | None:
    """How many findings the user sees that meet ``filters`` (and have one of ``colours``, when given) in each
    jurisdiction that holds any, from the tallies (one query); None when they cannot tell."""
    scope = _ledger_scope(user, filters)
    if scope is None:
        return None
    total = reduce(operator.add, [Sum(colour, default=0) for colour in colours] or [Sum("findings", default=0)])
    counted = rows(scope).values("jurisdiction_id").annotate(count=total).order_by()
    return {row["jurisdiction_id"]: row["count"] for row in counted if row["count"]}


def tallied_count(user: User, filters: Q | None, colours: tuple[str, ...] = ()) -> int | None:
    """How many findings the user sees that meet ``filters`` (and have one of ``colours``), from the tallies;
    None when they cannot tell."""
    spread = tallied_spread(user, filters, colours)
    return None if spread is None else sum(spread.values())


def search_scope_size(user: User, filterset) -> int | None:
    """How many findings a keyword search of ``filterset`` (a ``FindingFilterSet``) reads at most: the user's
    findings under the other filters where the tallies keep them, else all the user's findings."""
    plain = filterset.plain_parts(besides_text=True)
    return tallied_count(user, *plain) if plain is not None else tallied_count(user, Q())


def ledger_jurisdictions(user: User) -> list[int] | None:
    """The jurisdictions that hold the findings the user sees, from the tallies of the view (a few rows); None
    when the tallies cannot express the view."""

    def compute() -> list[int] | None:
        scope = user_cache(user, "tallies:view-scope", lambda: tally_scope(_view(user)))
        if scope is None:
            return None
        fresh_tallies(user)
        held = rows(scope).filter(findings__gt=0).values_list("jurisdiction_id", flat=True).distinct()
        return sorted(set(held))

    return user_cache(user, "tallies:jurisdictions", compute)


def page_fetcher(
    user: User, queryset: Callable[[], QuerySet], filterset=None, spread: dict[int, int] | None = None
) -> Callable[[int, int], list | None]:
    """A paginator's ``fetch``: the page merged from each jurisdiction's walk (``findings.paging``) when the
    list spans a few jurisdictions, is in the default order and is not a keyword search through the index;
    else None (the paginator slices). ``queryset`` gives the list as it is when the page is read (the table
    orders it after this is made); ``spread`` (``tallied_spread``), where known, tells the list's jurisdictions,
    else those of the user's view are read."""

    def fetch(start: int, stop: int) -> list | None:
        findings = queryset()
        searched = getattr(filterset, "searched", None)
        if connection.vendor != "postgresql" or not in_default_order(findings):
            return None
        if searched is not None and searched.plan != SCAN:
            return None
        jurisdictions = sorted(spread) if spread is not None else ledger_jurisdictions(user)
        return merged_page(findings, jurisdictions, start, stop) if mergeable(findings, jurisdictions) else None

    return fetch


def tallied_years(user: User, jurisdictions) -> list[int]:
    """The years in which ``jurisdictions`` have findings, newest first: from the rows by year (a few thousand
    in a province), not from its projects or its findings; the tallies brought up to date first."""
    fresh_tallies(user)
    return list(
        FindingTally.objects.filter(
            grain=grain_for({"jurisdiction_id", "year"}), jurisdiction_id__in=jurisdictions, findings__gt=0
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def _tallied(task: Task, view: TallyScope | None) -> tuple[TallyScope, str] | None:
    """The task's condition on the tally rows and what to sum there, or None (count the findings)."""
    condition, measure = task.colour if task.colour else (task.condition, "findings")
    scope = tally_scope(condition) if view is not None else None
    return (both(view, scope), measure) if scope is not None else None


def _count(tasks: list[Task], base: QuerySet, user: User) -> None:
    """Every task's count: those the tallies express in one query, the others in one more."""
    live = [task for task in tasks if task.condition is not NOTHING]
    if not live:
        return
    view = tally_scope(_view(user))
    tallied = {task.key: found for task in live if (found := _tallied(task, view))}
    counted = {}
    if tallied:
        fresh_tallies(user)
        grain = grain_for(frozenset().union(*(scope.keys for scope, _measure in tallied.values())))
        counted = FindingTally.objects.filter(grain=grain).aggregate(
            **{key: Sum(measure, filter=scope.q, default=0) for key, (scope, measure) in tallied.items()}
        )
    rest = [task for task in live if task.key not in tallied]
    if rest:
        any_of = Q()
        for task in rest:
            any_of |= task.condition
        # Only the findings of some task: the indexes on state and deadline choose them.
        by_task = {task.key: Count("pk", filter=task.condition) for task in rest}
        counted |= base.order_by().filter(any_of).aggregate(**by_task)
    for task in live:
        task.count = counted[task.key]


def _fetch_items(tasks: list[Task], base: QuerySet) -> None:
    """The first ITEMS_SHOWN findings of every task that has any, in one query."""
    shown = [task for task in tasks if task.count]
    if not shown:
        return

    def rank(task: Task):
        # Numbered within the rows that meet the task's condition; NULL elsewhere.
        in_task = ExpressionWrapper(task.condition, output_field=BooleanField())
        numbered = Window(RowNumber(), partition_by=[in_task], order_by=task.order_by)
        return Case(When(task.condition, then=numbered), output_field=IntegerField())

    # Each task's first rows by its own order and LIMIT; the union of those few rows is then ranked.
    parts, params = [], []
    for i, task in enumerate(shown):
        first = base.filter(task.condition).order_by(*task.order_by).annotate(candidate=F("pk"))
        sql, part_params = first.values("candidate")[:ITEMS_SHOWN].query.sql_with_params()
        parts.append(f"SELECT t{i}.candidate FROM ({sql}) t{i}")
        params.extend(part_params)
    candidates = RawSQL(" UNION ALL ".join(parts), params)
    ranks = {f"rank_{task.key}": rank(task) for task in shown}
    wanted = Q()
    for name in ranks:
        wanted |= Q(**{f"{name}__lte": ITEMS_SHOWN})
    extra = {}
    if any(task.shows == "reported_at" for task in shown):
        extra["reported_at"] = _last_report_at()
    if any(task.shows_return for task in shown):
        extra["return_reasons"] = _return_reasons()
        extra["return_verdict"] = _return_verdict()
    base = base.with_colour().select_related("project", "unit", "category").filter(pk__in=candidates)
    rows = list(base.order_by().annotate(**extra).annotate(**ranks).filter(wanted))
    for task in shown:
        name = f"rank_{task.key}"
        ranked = [(getattr(row, name), row) for row in rows if getattr(row, name) is not None]
        task.items = [row for number, row in sorted(ranked, key=lambda pair: pair[0]) if number <= ITEMS_SHOWN]
        if task.shows_return:
            for row in task.items:
                verdict = getattr(row, "return_verdict", None)
                row.return_label = Verdict(verdict).label if verdict in Verdict.values else _("退回")


def _view(user: User) -> Q:
    """What the user sees, less the branches of findings cited by a referral or a matter that the rest
    holds anyway (the same findings: a plainer condition, which the indexes on unit and state serve)."""
    return user_cache(user, "tallies:view", lambda: without_subsumed(scope_q(Finding, user, "view")))


def tasks_for(user: User) -> list[Task]:
    view = _view(user)
    base = Finding.objects.none() if view is NOTHING else Finding.objects.filter(view)
    tasks = _tasks(user)
    _count(tasks, base, user)
    _fetch_items(tasks, base)
    return tasks
