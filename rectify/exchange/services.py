"""The Excel ledger exchange: the template, the export and the import (整改台账导入导出).

- ``write_template`` and ``export_ledger`` write the ledger layout of ``columns.COLUMNS``
  (``writer``): the findings are read a batch at a time (``ledger_rows``) and streamed into the
  file, so that memory stays bounded whatever the number of rows.
- ``import_ledger`` reads an upload (checked by content and bounded, see ``reader``), checks every
  cell and every reference against what the user may see, and every row against the rules of the
  findings services (``build_finding`` for a new finding, ``check_correction`` for a change), all
  without writing; a preview (``dry_run``) stops there. The import then writes the whole file in
  one transaction: new findings in bulk, a batch at a time, built by the same ``build_finding``
  that ``create_finding`` uses, with their requirements, events and history; changes one by one
  through ``correct_finding``. One refused row and nothing is saved. The web runs it as a job
  (``rectify.exchange.jobs.run_import``); ``rectify import-ledger`` runs it directly.

Import rules: a row with a 问题编号 corrects that finding; a row without one creates a draft
finding of an existing audit project (matched by name, and by 文号 when given), unless a finding of
the same project, unit, summary and description already exists, in which case the row stands for it
(so importing the same file twice changes nothing). The columns the unit reports and the auditor
verifies (责任人 … 整改状态) are for reference: checked, compared, never written back.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from itertools import islice
from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, connections, models, transaction
from django.db.models import Count, Exists, F, Lookup, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.choices import AUDIT_ROLES
from rectify.core.exceptions import ActionRefused
from rectify.exchange.columns import (
    AMOUNT,
    AMOUNT_KEYS,
    BY_KEY,
    CHOICE,
    COLUMNS,
    COUNT,
    REFERENCE_KEYS,
    choice_label,
    clean_text,
    requirement_lines,
)
from rectify.exchange.reader import LedgerError, LedgerFileRefused, LedgerSheet, read_ledger
from rectify.exchange.writer import category_label, write_ledger
from rectify.findings import services as findings
from rectify.findings.choices import FindingState
from rectify.findings.models import Category, Finding, Requirement
from rectify.findings.warning import colour_for, days_left, local_today

if TYPE_CHECKING:
    from rectify.accounts.models import User

BATCH = 1000
# New rows written per batch of bulk inserts.
APPLY_BATCH = 500
ZERO = Decimal("0.00")
IMPORT_REASON = "Excel 台账导入"


# --- the ledger's rows, as the export writes them and the import compares them ------------


class _AuditedUnits:
    """For each project, which audited unit each responsible unit belongs to (cached per run)."""

    def __init__(self) -> None:
        self._by_project: dict[int, dict[int, str]] = {}
        self._names: dict[int, set[str]] = {}
        self._tree = None

    def load(self, project_ids) -> None:
        """Reads the audited units of the projects not read yet, in one query (an export's batch of findings
        spans hundreds of projects: one query each was most of a large export's time)."""
        from rectify.audits.models import AuditProject
        from rectify.organizations.models import OrganizationTree

        missing = sorted(set(project_ids) - self._by_project.keys())
        if not missing:
            return
        if self._tree is None:
            self._tree = OrganizationTree()  # read once per run, not once per unit and level
        audited: dict[int, list[tuple[int, str]]] = {project_id: [] for project_id in missing}
        links = (
            _among(AuditProject.units.through.objects, "auditproject_id", missing)
            .filter(organization__deleted_at__isnull=True)
            .order_by("auditproject_id", "organization_id")
            .values_list("auditproject_id", "organization_id", "organization__name")
        )
        for project_id, unit_id, name in links:
            audited[project_id].append((unit_id, name))
        for project_id, units in audited.items():
            mapping: dict[int, str] = {}
            for audited_id, name in units:
                for unit_id in self._tree.subtree_ids(audited_id):
                    mapping.setdefault(unit_id, name)
            # An audited unit is its own, even when it is also under another audited unit.
            mapping.update(dict(units))
            self._by_project[project_id] = mapping
            self._names[project_id] = {name for _unit_id, name in units}

    def mapping(self, project_id: int) -> dict[int, str]:
        if project_id not in self._by_project:
            self.load([project_id])
        return self._by_project[project_id]

    def names(self, project_id: int) -> set[str]:
        self.mapping(project_id)
        return self._names[project_id]

    def allowed(self, project_id: int):
        """The units that may answer for a finding of the project: its audited units and those under them."""
        return self.mapping(project_id).keys()


_FINDING_FIELDS = (
    "pk",
    "ledger_number",
    "project_id",
    "project__name",
    "project__report_number",
    "unit_id",
    "unit__name",
    "category_id",
    "category__code",
    "category__name",
    "title",
    "description",
    "amount_involved",
    "kind",
    "deadline",
    "state",
    "project__year",
)


READ_COLUMNS = tuple(column for column in COLUMNS if not column.derived)  # what an imported row holds


def overdue_days(state: str, deadline: datetime.date | None, today: datetime.date) -> int | None:
    """Days past the deadline of a finding still being rectified; None when it is not overdue."""
    left = days_left(state, deadline, today)
    return -left if left is not None and left < 0 else None


def _batched(iterable, size: int):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class _AnyOf(Lookup):
    """``field = ANY(%s)``: the ids as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def _among(queryset: QuerySet, field: str, ids: list[int]) -> QuerySet:
    """``queryset`` narrowed to the rows whose ``field`` is one of ``ids`` (a batch of a thousand or so).

    On PostgreSQL the ids go as one array parameter: an ``IN`` list of a thousand placeholders is prepared
    id by id by Django and parsed again by the driver for every query (it caches short queries only), which
    cost an export of a hundred thousand rows more than the queries themselves. ``IN`` elsewhere."""
    if connections[queryset.db].vendor == "postgresql":  # the database it reads (a replica, for an export)
        return queryset.filter(_AnyOf(F(field), ids))
    return queryset.filter(**{f"{field}__in": ids})


def ledger_rows(queryset: QuerySet, *, batch_size: int = BATCH, audited: _AuditedUnits | None = None) -> Iterator[dict]:
    """One dict per finding of ``queryset`` (already restricted and filtered), in its order.

    Each dict holds the value of every column (codes for coded columns, a list for the
    requirements) and the ids the import compares. A batch of findings at a time, a handful of
    queries per batch, so a hundred thousand rows need no more memory than a thousand.
    """
    from rectify.rectification.choices import REJECTED_VERDICTS
    from rectify.rectification.models import AccountabilityRecord, AdoptedRule, Plan, ProgressReport, Verification

    audited = audited or _AuditedUnits()
    today = local_today()
    # Of each report round, in the one query that reads the rounds: whether its money is void (``counted``), and
    # how many rules and people it reports.
    rejected_round = Exists(Verification._base_manager.filter(report=OuterRef("pk"), verdict__in=REJECTED_VERDICTS))
    rules_of_round, people_of_round = (
        Coalesce(
            Subquery(
                model.objects.filter(report=OuterRef("pk"))
                .order_by()
                .values("report")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
        for model in (AdoptedRule, AccountabilityRecord)
    )
    rows = queryset.values_list(*_FINDING_FIELDS).iterator(chunk_size=batch_size)
    for batch in _batched(rows, batch_size):
        ids = [row[0] for row in batch]
        audited.load(row[2] for row in batch)
        requirements: dict[int, list[str]] = defaultdict(list)
        wanted = _among(Requirement.objects, "finding_id", ids).order_by("finding_id", "number")
        for finding_id, text in wanted.values_list("finding_id", "text"):
            requirements[finding_id].append(text)
        plans = {
            finding_id: (person, measures)
            for finding_id, person, measures in _among(Plan.objects, "finding_id", ids).values_list(
                "finding_id", "responsible_person", "measures"
            )
        }
        amounts: dict[int, dict[str, Decimal]] = {}
        progress: dict[int, tuple[int, str]] = {}
        rules: dict[int, int] = defaultdict(int)
        people: dict[int, int] = defaultdict(int)
        for finding_id, round_, text, rejected, n_rules, n_people, *values in (
            _among(ProgressReport.objects, "finding_id", ids)
            .annotate(rejected=rejected_round, n_rules=rules_of_round, n_people=people_of_round)
            .values_list("finding_id", "round", "progress", "rejected", "n_rules", "n_people", *AMOUNT_KEYS)
        ):
            sums = amounts.setdefault(finding_id, dict.fromkeys(AMOUNT_KEYS, ZERO))
            if not rejected:  # a rejected round's money is void, as in the ledger's figures
                for key, value in zip(AMOUNT_KEYS, values, strict=True):
                    sums[key] += value
            if round_ >= progress.get(finding_id, (0, ""))[0]:
                progress[finding_id] = (round_, text)
            rules[finding_id] += n_rules
            people[finding_id] += n_people
        verdicts = dict(
            _among(Verification.objects, "finding_id", ids)
            .order_by("finding_id", "verified_at", "pk")
            .values_list("finding_id", "verdict")
        )
        for (
            pk,
            number,
            project_id,
            project_name,
            report_number,
            unit_id,
            unit_name,
            category_id,
            category_code,
            category_name,
            title,
            description,
            amount,
            kind,
            deadline,
            state,
            year,
        ) in batch:
            person, measures = plans.get(pk, ("", ""))
            sums = amounts.get(pk) or dict.fromkeys(AMOUNT_KEYS, ZERO)
            yield {
                "pk": pk,
                "project_id": project_id,
                "unit_id": unit_id,
                "category_id": category_id,
                "ledger_number": number,
                "project": project_name,
                "report_number": report_number,
                "audited_unit": audited.mapping(project_id).get(unit_id, ""),
                "category": category_label(category_code, category_name),
                "title": title,
                "description": description,
                "amount_involved": amount,
                "requirements": requirement_lines(requirements.get(pk, [])),
                "kind": kind,
                "deadline": deadline,
                "unit": unit_name,
                "responsible_person": person,
                "measures": measures,
                "progress": progress.get(pk, (0, ""))[1],
                **sums,
                "rules_adopted": rules.get(pk, 0),
                "people_held_accountable": people.get(pk, 0),
                "verdict": verdicts.get(pk, ""),
                "state": state,
                "year": year,
                "overdue_days": overdue_days(state, deadline, today),
                "warning": colour_for(state, deadline, today) or "",
            }


# --- writing -------------------------------------------------------------------------------


def write_template(target, *, user: User | None = None) -> None:
    """The empty ledger with its header, lists and guide, for filling in and importing."""
    write_ledger([], target, user=user, note=_("空白模板"))


def export_ledger(findings_queryset: QuerySet, target, *, user: User | None = None) -> int:
    """Writes ``findings_queryset`` (restricted and filtered by the caller) as the ledger; returns the count."""
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    who = user.display_name if user is not None else _("系统")
    return write_ledger(
        ledger_rows(findings_queryset), target, user=user, note=_("%(who)s 于 %(at)s 导出") % {"who": who, "at": stamp}
    )


# --- importing -----------------------------------------------------------------------------


@dataclass
class RowPlan:
    """What one row will do: create a finding, correct one, or nothing."""

    row: int
    action: str  # "create", "update" or "same"
    ledger_number: str = ""
    finding_id: int | None = None
    title: str = ""
    create: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    requirements: list[str] | None = None
    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (column, before, after)


@dataclass
class ImportResult:
    name: str
    sheet: str = ""
    rows: int = 0
    created: list[RowPlan] = field(default_factory=list)
    changed: list[RowPlan] = field(default_factory=list)
    unchanged: int = 0
    errors: list[LedgerError] = field(default_factory=list)
    notices: list[LedgerError] = field(default_factory=list)
    dry_run: bool = True
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _show(key: str, value) -> str:
    column = BY_KEY.get(key)
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "；".join(value) or "—"
    if column is not None and column.kind == CHOICE:
        return choice_label(column, value) or str(value)
    return str(value)


class _Lookups:
    """What the user may refer to: projects, units and categories in scope, loaded once."""

    def __init__(self, user: User) -> None:
        from rectify.audits.models import AuditProject
        from rectify.organizations.models import Organization

        self.projects: dict[str, list[dict]] = defaultdict(list)
        self.project_by_id: dict[int, dict] = {}
        for project in AuditProject.objects.restrict(user).values("pk", "name", "report_number", "report_date"):
            self.projects[project["name"].strip()].append(project)
            self.project_by_id[project["pk"]] = project
        self.units: dict[str, list[int]] = defaultdict(list)
        self.unit_by_code: dict[str, int] = {}
        self.unit_names: dict[int, str] = {}
        for pk, name, code in Organization.objects.restrict(user).values_list("pk", "name", "code"):
            self.units[name.strip()].append(pk)
            self.unit_by_code[code.strip()] = pk
            self.unit_names[pk] = name
        self.categories = {c.pk: c for c in Category.objects.select_related("parent")}
        self.category_by_code = {c.code: c for c in self.categories.values()}
        self.category_by_name: dict[str, list[Category]] = defaultdict(list)
        for category in self.categories.values():
            self.category_by_name[category.name].append(category)
            if category.parent_id:
                self.category_by_name[f"{category.parent.name}/{category.name}"].append(category)
        self.audited = _AuditedUnits()


_SLASH = re.compile(r"\s*[/／]\s*")
_CODED = re.compile(r"^([0-9A-Za-z]+)\s*(.+)$")


class _Planner:
    """Turns checked rows into plans, collecting every located problem on the way."""

    def __init__(self, sheet: LedgerSheet, user: User, name: str) -> None:
        self.sheet = sheet
        self.user = user
        self.name = name
        self.lookups = _Lookups(user)
        self.errors: list[LedgerError] = []
        self.notices: list[LedgerError] = []
        self._numbers: dict[str, int] = {}
        self._contents: dict[tuple, int] = {}
        self._findings_seen: dict[int, int] = {}

    def error(self, row: int, key: str | None, message: str) -> None:
        if key is None:
            self.errors.append(LedgerError(message, self.sheet.sheet, row))
        else:
            self.errors.append(self.sheet.error(row, key, message))

    def notice(self, row: int, message: str) -> None:
        self.notices.append(LedgerError(message, self.sheet.sheet, row))

    # references -----------------------------------------------------------------------

    def category(self, row: int, text: str) -> Category | None:
        lookups = self.lookups
        text = text.strip()
        category = lookups.category_by_code.get(text)
        coded = _CODED.match(text)
        if category is None and coded:
            code, rest = coded.groups()
            category = lookups.category_by_code.get(code)
            given = _SLASH.sub("/", rest.strip())
            if category is not None and given not in (category.name, _SLASH.sub("/", str(category))):
                self.error(
                    row,
                    "category",
                    _("类别代码 %(code)s 对应「%(name)s」，与所填名称「%(text)s」不符。")
                    % {"code": code, "name": category.name, "text": rest.strip()},
                )
                return None
        if category is None:
            candidates = lookups.category_by_name.get(_SLASH.sub("/", text), [])
            if len(candidates) > 1:
                self.error(
                    row,
                    "category",
                    _("类别名称「%(text)s」不唯一，请填写类别代码（%(codes)s）。")
                    % {"text": text, "codes": "、".join(c.code for c in candidates)},
                )
                return None
            category = candidates[0] if candidates else None
        if category is None:
            self.error(row, "category", _("未知的问题类别「%(text)s」。") % {"text": text})
            return None
        if category.parent_id is None:
            self.error(row, "category", _("「%(name)s」是一级类别，请填写其下的二级类别。") % {"name": category.name})
            return None
        return category

    def project_for_new(self, row: int, name: str, report_number: str) -> dict | None:
        candidates = self.lookups.projects.get(name.strip(), [])
        if not candidates:
            self.error(row, "project", _("找不到审计项目「%(name)s」，或不在您的职责范围内。") % {"name": name})
            return None
        if report_number:
            matching = [p for p in candidates if p["report_number"].strip() == report_number]
            if not matching:
                self.error(
                    row,
                    "report_number",
                    _("审计项目「%(name)s」没有文号为「%(number)s」的报告。") % {"name": name, "number": report_number},
                )
                return None
            candidates = matching
        if len(candidates) > 1:
            self.error(row, "project", _("有多个名为「%(name)s」的审计项目，请填写文号以区分。") % {"name": name})
            return None
        return candidates[0]

    def unit(self, row: int, text: str, project_id: int | None) -> int | None:
        lookups = self.lookups
        candidates = list(lookups.units.get(text.strip(), []))
        if not candidates and text.strip() in lookups.unit_by_code:
            candidates = [lookups.unit_by_code[text.strip()]]
        if not candidates:
            self.error(row, "unit", _("未知的单位「%(name)s」，或不在您的职责范围内。") % {"name": text})
            return None
        allowed = lookups.audited.allowed(project_id) if project_id else set()
        if len(candidates) > 1 and allowed:
            candidates = [pk for pk in candidates if pk in allowed] or candidates
        if len(candidates) > 1:
            self.error(row, "unit", _("有多个名为「%(name)s」的单位，请改填其统一社会信用代码。") % {"name": text})
            return None
        unit_id = candidates[0]
        if project_id and unit_id not in allowed:
            self.error(
                row,
                "unit",
                _("「%(unit)s」不是审计项目「%(project)s」的被审计单位或其下属单位。")
                % {"unit": lookups.unit_names[unit_id], "project": lookups.project_by_id[project_id]["name"]},
            )
            return None
        return unit_id

    # rows ---------------------------------------------------------------------------------

    def plan(self, rows: list, progress=None) -> list[RowPlan]:
        plans: list[RowPlan] = []
        done = 0
        for chunk in _batched(rows, 500):
            plans.extend(self._plan_chunk(chunk))
            done += len(chunk)
            if progress is not None:
                progress.step("check", done, len(rows))
        return plans

    def _plan_chunk(self, rows) -> list[RowPlan]:
        visible = Finding.objects.restrict(self.user)
        numbers = [row.values.get("ledger_number") for row in rows if row.values.get("ledger_number")]
        audited = self.lookups.audited
        existing = {
            f["ledger_number"]: f for f in ledger_rows(visible.filter(ledger_number__in=numbers), audited=audited)
        }
        # A new row that repeats a finding already recorded (same project, unit, summary, description) stands for it.
        new_rows = [row for row in rows if not row.values.get("ledger_number")]
        titles = {row.values.get("title") for row in new_rows} - {"", None}
        # Only the projects the rows name can hold the same finding (and their index spares a scan of all).
        projects = {
            project["pk"]
            for row in new_rows
            for project in self.lookups.projects.get((row.values.get("project") or "").strip(), [])
        }
        audited.load(projects)  # the units that may answer for their findings, for all of them at once
        same_content: dict[tuple, dict] = {}
        if titles and projects:
            found_rows = visible.filter(project_id__in=projects, title__in=titles).order_by("pk")
            for found in ledger_rows(found_rows, audited=audited):
                key = (found["project_id"], found["unit_id"], found["title"], clean_text(found["description"]))
                same_content.setdefault(key, found)
        return [plan for row in rows if (plan := self._plan_row(row, existing, same_content)) is not None]

    def _required(self, row) -> bool:
        ok = True
        for column in COLUMNS:
            if column.required and column.key in row.values and not row.values[column.key]:
                self.error(row.number, column.key, _("%(header)s不能为空。") % {"header": column.header})
                ok = False
        return ok

    def _plan_row(self, row, existing: dict, same_content: dict) -> RowPlan | None:
        values = row.values
        number = values.get("ledger_number", "")
        if number:
            first = self._numbers.setdefault(number, row.number)
            if first != row.number:
                self.error(
                    row.number,
                    "ledger_number",
                    _("问题编号「%(number)s」与第 %(row)d 行重复。") % {"number": number, "row": first},
                )
                return None
        complete = self._required(row)
        current = existing.get(number) if number else None
        if number and current is None:
            self.error(
                row.number,
                "ledger_number",
                _("问题编号「%(number)s」不存在，或不在您的职责范围内；新增问题请将问题编号留空。")
                % {"number": number},
            )
            return None
        project = None
        if current is not None:
            project = self.lookups.project_by_id.get(current["project_id"])
            if project is None:
                self.error(
                    row.number, "project", _("问题 %(number)s 所属的审计项目不在您的职责范围内。") % {"number": number}
                )
            if values.get("project") and values["project"].strip() != current["project"].strip():
                self.error(
                    row.number,
                    "project",
                    _("问题 %(number)s 属于审计项目「%(project)s」，不能改到其他项目。")
                    % {"number": number, "project": current["project"]},
                )
            report_number = values.get("report_number", "")
            if report_number and report_number != current["report_number"].strip():
                self.error(
                    row.number,
                    "report_number",
                    _("与问题所属审计项目的文号「%(number)s」不符。") % {"number": current["report_number"] or "—"},
                )
        elif values.get("project"):
            project = self.project_for_new(row.number, values["project"], values.get("report_number", ""))
        project_id = project["pk"] if project else None
        category = self.category(row.number, values["category"]) if values.get("category") else None
        unit_id = self.unit(row.number, values["unit"], project_id) if values.get("unit") else None
        deadline = values.get("deadline")
        changed = current is None or deadline != current["deadline"]
        if changed and deadline and project and project["report_date"] and deadline < project["report_date"]:
            self.error(
                row.number,
                "deadline",
                _("整改期限 %(deadline)s 早于审计报告出具日期 %(report)s。")
                % {"deadline": deadline.isoformat(), "report": project["report_date"].isoformat()},
            )
            complete = False
        if not complete or project is None or category is None or unit_id is None or len(values) < len(READ_COLUMNS):
            return None
        if project and values.get("audited_unit"):
            names = self.lookups.audited.names(project_id)
            if values["audited_unit"] not in names:
                self.notice(
                    row.number,
                    _("被审计单位「%(unit)s」不是审计项目「%(project)s」的被审计单位（仅供参考，未导入）。")
                    % {"unit": values["audited_unit"], "project": project["name"]},
                )
        if current is None:
            key = (project_id, unit_id, values["title"], clean_text(values["description"]))
            first = self._contents.setdefault(key, row.number)
            if first != row.number:
                message = _("与第 %(row)d 行是同一问题（项目、单位、摘要和描述均相同）。") % {"row": first}
                self.error(row.number, None, message)
                return None
            current = same_content.get(key)
            if current is not None:
                self.notice(
                    row.number,
                    _("未填问题编号，但与已有问题 %(number)s 相同，按该问题核对。")
                    % {"number": current["ledger_number"]},
                )
        if current is not None:
            first = self._findings_seen.setdefault(current["pk"], row.number)
            if first != row.number:
                self.error(row.number, None, _("与第 %(row)d 行指向同一问题。") % {"row": first})
                return None
            return self._update(row, current, category, unit_id)
        return self._create(row, project_id, category, unit_id)

    def _create(self, row, project_id: int, category: Category, unit_id: int) -> RowPlan:
        values = row.values
        filled = [
            BY_KEY[key].header
            for key in REFERENCE_KEYS
            if key != "audited_unit"
            and key in row.filled
            and not (key == "state" and values[key] == FindingState.DRAFT)
        ]
        if filled:
            self.notice(
                row.number,
                _("新问题一律登记为草稿；%(columns)s仅供参考，未导入。")
                % {"columns": "".join(f"「{c}」" for c in filled)},
            )
        return RowPlan(
            row=row.number,
            action="create",
            title=values["title"],
            create={
                "project_id": project_id,
                "unit_id": unit_id,
                "title": values["title"],
                "description": values["description"],
                "category": category,
                "requirements": values["requirements"],
                "amount_involved": values["amount_involved"],
                "kind": values["kind"],
                "deadline": values["deadline"],
            },
        )

    def _update(self, row, current: dict, category: Category, unit_id: int) -> RowPlan | None:
        values = row.values
        plan = RowPlan(row=row.number, action="same", ledger_number=current["ledger_number"], finding_id=current["pk"])
        plan.title = values["title"]
        compare = {
            "title": ("title", clean_text(current["title"]), values["title"]),
            "description": ("description", clean_text(current["description"]), clean_text(values["description"])),
            "category": ("category", current["category_id"], category.pk),
            "amount_involved": ("amount_involved", current["amount_involved"], values["amount_involved"]),
            "kind": ("kind", current["kind"], values["kind"]),
            "deadline": ("deadline", current["deadline"], values["deadline"]),
            "unit": ("unit", current["unit_id"], unit_id),
        }
        for key, (field_name, before, after) in compare.items():
            if before == after:
                continue
            if key == "deadline" and after is None:
                self.error(
                    row.number, "deadline", _("整改期限不能清空（原为 %(date)s）。") % {"date": before.isoformat()}
                )
                continue
            if key == "category":
                plan.changes[field_name] = category
                shown = (current["category"], category_label(category.code, category.name))
            elif key == "unit":
                plan.changes[field_name] = unit_id
                shown = (current["unit"], self.lookups.unit_names[unit_id])
            else:
                plan.changes[field_name] = values[key]
                shown = (_show(key, before), _show(key, after))
            plan.shown.append((BY_KEY[key].header, *shown))
        if values["requirements"] != current["requirements"]:
            if current["state"] != FindingState.DRAFT:
                self.error(
                    row.number,
                    "requirements",
                    _("问题 %(number)s 已下达，不能更改整改要求。") % {"number": current["ledger_number"]},
                )
            else:
                plan.requirements = values["requirements"]
                before, after = (
                    _show("requirements", current["requirements"]),
                    _show("requirements", values["requirements"]),
                )
                plan.shown.append((BY_KEY["requirements"].header, before, after))
        if (plan.changes or plan.requirements is not None) and current["state"] == FindingState.CLOSED:
            self.error(
                row.number,
                "ledger_number",
                _("问题 %(number)s 已销号，不能修改（%(columns)s）。")
                % {"number": current["ledger_number"], "columns": "、".join(c for c, _b, _a in plan.shown)},
            )
            return None
        differing = [
            BY_KEY[key].header
            for key in REFERENCE_KEYS
            if key != "audited_unit" and key in row.filled and _differs(key, current[key], values[key])
        ]
        if differing:
            self.notice(
                row.number,
                _("问题 %(number)s 的%(columns)s与系统记录不同；这些列仅供参考，导入时不更新。")
                % {"number": current["ledger_number"], "columns": "".join(f"「{c}」" for c in differing)},
            )
        if plan.changes or plan.requirements is not None:
            plan.action = "update"
        return plan


def _differs(key: str, stored, given) -> bool:
    """Whether a reference cell says something else than the system (an empty cell is an empty value)."""
    kind = BY_KEY[key].kind
    if kind in (AMOUNT, COUNT):
        return (stored or 0) != (given or 0)
    if kind == CHOICE:
        return (stored or "") != (given or "")
    return clean_text(stored) != clean_text(given)


def _refusal_errors(refusal: ValidationError, plan: RowPlan, sheet: LedgerSheet) -> list[LedgerError]:
    """A service's refusal of one row, located: at the cell when it names a field of a column, else at the row."""
    prefix = f"{plan.ledger_number}：" if plan.ledger_number and plan.action != "create" else ""
    if not hasattr(refusal, "error_dict"):
        return [LedgerError(prefix + message, sheet.sheet, plan.row) for message in refusal.messages]
    errors = []
    for field_name, messages in refusal.message_dict.items():
        for message in messages:
            if field_name in BY_KEY and field_name in sheet.letters:
                errors.append(sheet.error(plan.row, field_name, prefix + message))
            else:
                try:
                    label = Finding._meta.get_field(field_name).verbose_name
                except FieldDoesNotExist:
                    label = ""
                text = f"{label}：{message}" if label else message
                errors.append(LedgerError(prefix + text, sheet.sheet, plan.row))
    return errors


class _Writer:
    """Checks the plans through the findings services' rules and, unless rehearsing, writes them.

    New findings are built by ``findings.build_finding`` (the rules ``create_finding`` applies, once
    per row, with what they read loaded once for the file) and written in bulk, ``batch_size`` at a
    time: the findings, their requirements and their creation events (``_insert``: COPY on PostgreSQL),
    and the history rows of the findings and the requirements, copied by the database from the rows just
    written (``_copy_history``), carrying the actor, the request id and the import's reason. Corrections
    of existing findings are rarer and go one by one through ``correct_finding`` (``check_correction``
    when rehearsing).
    """

    def __init__(self, user: User, reason: str, sheet: LedgerSheet, progress, batch_size: int) -> None:
        self.user = user
        self.reason = reason
        self.sheet = sheet
        self.progress = progress
        self.batch_size = batch_size
        self.rules = findings.FindingRules()
        self.errors: list[LedgerError] = []
        self._units: dict = {}

    def _refused(self, refusal: ValidationError, plan: RowPlan) -> None:
        self.errors.extend(_refusal_errors(refusal, plan, self.sheet))

    def _load_units(self, plans: list[RowPlan]) -> None:
        from rectify.organizations.models import Organization

        wanted = {plan.create["unit_id"] for plan in plans if plan.action == "create"}
        wanted |= {plan.changes["unit"] for plan in plans if plan.action == "update" and "unit" in plan.changes}
        self._units = Organization.objects.in_bulk(wanted)

    def _projects(self, plans: list[RowPlan], *, lock: bool) -> dict:
        """The projects new rows go to; with ``lock``, locked (in id order) until the transaction ends."""
        from rectify.audits.models import AuditProject

        ids = sorted({plan.create["project_id"] for plan in plans if plan.action == "create"})
        projects = AuditProject.objects.select_related("jurisdiction").filter(pk__in=ids).order_by("pk")
        if lock:
            of = {"of": ("self",)} if connection.features.has_select_for_update_of else {}
            projects = projects.select_for_update(**of)
        return {project.pk: project for project in projects}

    def _build(self, plan: RowPlan, projects: dict) -> findings.NewFinding | None:
        data = dict(plan.create)
        project = projects.get(data.pop("project_id"))
        unit = self._units.get(data.pop("unit_id"))
        if project is None or unit is None:  # gone since the plan was made
            self.errors.append(LedgerError(_("对象不存在，或不在您的职责范围内。"), self.sheet.sheet, plan.row))
            return None
        try:
            # A ledger kept elsewhere brings its history: deadlines already past load as they were.
            return findings.build_finding(
                self.user, project=project, unit=unit, rules=self.rules, allow_past_deadline=True, **data
            )
        except ValidationError as refusal:
            self._refused(refusal, plan)
            return None

    def _corrections(self, plans: list[RowPlan]):
        """Each correcting plan with the finding it corrects, read from the user's scope as an auditor."""

        for batch in _batched(plans, self.batch_size):
            acting = Finding.objects.restrict(self.user, "act", roles=AUDIT_ROLES).select_related("project")
            found = acting.in_bulk([plan.finding_id for plan in batch])
            for plan in batch:
                yield plan, found.get(plan.finding_id)

    def _changes(self, plan: RowPlan) -> dict:
        changes = dict(plan.changes)
        if "unit" in changes:
            changes["unit"] = self._units[changes["unit"]]
        return changes

    def _step(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.step(phase, done, total)

    def rehearse(self, plans: list[RowPlan]) -> list[LedgerError]:
        """Every rule of every row, checked without writing: no transaction, no lock, no insert.

        The ledger numbers the new rows would get are worked out as the import would allocate them
        (after the last one of each project), for the preview to show."""
        creating = [plan for plan in plans if plan.action == "create"]
        correcting = [plan for plan in plans if plan.action == "update"]
        total, done = len(creating) + len(correcting), 0
        self._load_units(plans)
        projects = self._projects(creating, lock=False)
        self.rules.load_units(projects)
        last = findings.last_sequences(projects)
        for plan in creating:
            new = self._build(plan, projects)
            if new is not None:
                project = new.finding.project
                last[project.pk] += 1
                plan.ledger_number = findings.ledger_number(project, last[project.pk])
            done += 1
            self._step("preview", done, total)
        for plan, finding in self._corrections(correcting):
            try:
                if finding is None:
                    raise ActionRefused(findings.RECORDING_REFUSED, code="forbidden")
                findings.check_correction(
                    self.user,
                    finding,
                    reason=self.reason,
                    requirements=plan.requirements,
                    allow_past_deadline=True,
                    **self._changes(plan),
                )
            except ValidationError as refusal:
                self._refused(refusal, plan)
            done += 1
            self._step("preview", done, total)
        return self.errors

    def apply(self, plans: list[RowPlan]) -> list[LedgerError]:
        """Writes the plans, or nothing: see ``import_ledger`` for why it is one transaction.

        The projects that receive new rows are locked first, as ``create_finding`` locks its
        project, and their last sequences read under that lock, so the numbers continue from the
        last one, without gap or duplicate, whoever else records findings meanwhile. Every row is
        built (and so checked) from the locked projects; once one is refused, the rest are still
        checked, to report every problem, but nothing more is written, and the whole transaction
        rolls back: the batches already written go with it.
        """
        creating = [plan for plan in plans if plan.action == "create"]
        correcting = [plan for plan in plans if plan.action == "update"]
        total, done = len(creating) + len(correcting), 0
        with transaction.atomic():
            self._load_units(plans)
            projects = self._projects(creating, lock=True)
            self.rules.load_units(projects)
            last = findings.last_sequences(projects)
            for batch in _batched(creating, self.batch_size):
                built = []
                for plan in batch:
                    new = self._build(plan, projects)
                    if new is not None and not self.errors:
                        project = new.finding.project
                        last[project.pk] += 1
                        new.finding.sequence = last[project.pk]
                        new.finding.ledger_number = findings.ledger_number(project, last[project.pk])
                        built.append((plan, new))
                if not self.errors:
                    self._write(built)
                done += len(batch)
                self._step("apply", done, total)
            for plan, finding in self._corrections(correcting):
                try:
                    if finding is None:
                        raise ActionRefused(findings.RECORDING_REFUSED, code="forbidden")
                    # Once a row is refused nothing more is written, but every row is still checked.
                    correct = findings.check_correction if self.errors else findings.correct_finding
                    changes = self._changes(plan)
                    correct(
                        self.user,
                        finding,
                        reason=self.reason,
                        requirements=plan.requirements,
                        allow_past_deadline=True,
                        **changes,
                    )
                except ValidationError as refusal:
                    self._refused(refusal, plan)
                done += 1
                self._step("apply", done, total)
            if self.errors:
                transaction.set_rollback(True)
        return self.errors

    def _write(self, built: list[tuple[RowPlan, findings.NewFinding]]) -> None:
        """One batch of new findings with their requirements, events and the history rows of both: an INSERT
        per table (as many as the database's limit on parameters requires), the history rows copied by the
        database from the rows just inserted."""
        from rectify.core.request_context import get_request_id
        from rectify.tallies.services import mark_units

        if not built:
            return
        history = {"user": self.user, "reason": self.reason, "request_id": get_request_id(), "at": timezone.now()}
        created = _insert([new.finding for _plan, new in built], with_ids=True)
        ids = [finding.pk for finding in created]
        _copy_history(Finding, "id", ids, **history)
        requirements, events = [], []
        for (plan, new), finding in zip(built, created, strict=True):
            plan.finding_id, plan.ledger_number = finding.pk, finding.ledger_number
            for requirement in new.requirements:
                requirement.finding = finding
                requirements.append(requirement)
            new.event.finding = finding
            events.append(new.event)
        _insert(requirements)
        _copy_history(Requirement, "finding_id", ids, **history)  # the findings are new: so are all their requirements
        _insert(events)
        mark_units(finding.unit_id for finding in created)  # bulk inserts send no signal to the tallies


# What COPY writes as it is: what each of these fields' get_db_prep_save gives on PostgreSQL.
_PLAIN = frozenset({str, int, bool, type(None), datetime.date, Decimal})


def _insert(objs: list, *, with_ids: bool = False) -> list:
    """``bulk_create(objs)`` (objects of one model, built and checked by the caller), faster on PostgreSQL.

    There the rows go by COPY (their ids, when asked for, drawn from the table's sequence first, in one query):
    Django's bulk insert prepares every value of every row through its field and the driver dumps them again
    as arrays, which was most of the import's writing time. Each value is the one the insert would write: the
    fields that stamp themselves when saved (created, last_updated) through ``pre_save``, the others as they
    are, and any value not plainly of a type PostgreSQL takes as it is through its field's
    ``get_db_prep_save``. Elsewhere ``bulk_create``."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    quote = connection.ops.quote_name
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    saving = [type(f).pre_save is not models.Field.pre_save for f in fields]
    columns = ([pk] if with_ids else []) + fields
    statement = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) FROM STDIN"

    def value(field, saves: bool, obj):
        got = field.pre_save(obj, True) if saves else getattr(obj, field.attname)
        kind = got.__class__
        if kind in _PLAIN or (kind is datetime.datetime and got.tzinfo is not None):
            return got
        if isinstance(got, Enum):  # a choice (the driver would write its name): its value
            got = got.value
        return field.get_db_prep_save(got, connection)

    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(model._meta.db_table), pk.column, len(objs)],
            )
            for obj, (pk_value,) in zip(objs, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, pk_value)
        with cursor.cursor.copy(statement) as copy:
            for obj in objs:
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
                row = [value(f, saves, obj) for f, saves in zip(fields, saving, strict=True)]
                copy.write_row([obj.pk, *row] if with_ids else row)
                obj._state.adding = False
                obj._state.db = connection.alias
    return objs


def _copy_history(model, column: str, ids: list[int], *, user: User, reason: str, request_id: str, at) -> None:
    """The creation history rows ("+") of the rows of ``model`` whose ``column`` is in ``ids``, written by the
    database from the rows themselves (INSERT … SELECT): what ``bulk_create_with_history`` writes, with the
    actor, the reason and the request id, without building every row again in Python. One time for the batch."""
    history = model.history.model
    quote = connection.ops.quote_name
    fields = list(history.tracked_fields)
    target = [quote(history._meta.get_field(f.name).column) for f in fields]
    source = [quote(model._meta.get_field(f.name).column) for f in fields]
    extra = ["request_id", "history_date", "history_change_reason", "history_type", "history_user"]
    target += [quote(history._meta.get_field(name).column) for name in extra]
    values = [request_id, connection.ops.adapt_datetimefield_value(at), reason, "+", user.pk]
    head = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(target)}) "
        f"SELECT {', '.join(source)}, {', '.join(['%s'] * len(values))} FROM {quote(model._meta.db_table)} "
    )
    order = f" ORDER BY {quote(model._meta.pk.column)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{head}WHERE {quote(column)} = ANY(%s){order}", [*values, list(ids)])
            return
        for chunk in _batched(ids, 500):  # SQLite's limit on parameters
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{head}WHERE {quote(column)} IN ({marks}){order}", [*values, *chunk])


def can_import(user: User) -> bool:
    """Auditors of an audit office import ledgers (each row is then checked against its project)."""
    from rectify.accounts.scopes import is_audit_office_auditor

    return bool(user.is_authenticated and is_audit_office_auditor(user))


def _sorted(errors: list[LedgerError]) -> list[LedgerError]:
    def key(error: LedgerError):
        return (error.sheet != "", error.row or 0, len(error.column), error.column)

    return sorted(errors, key=key)


def import_ledger(
    upload, user: User, *, name: str = "", dry_run: bool = False, progress=None, batch_size: int = APPLY_BATCH
) -> ImportResult:
    """Reads, checks and (unless ``dry_run``, and only if the whole file is valid) applies a ledger file.

    Never raises for bad input: the result lists every problem with its place, and when there is
    any, nothing is saved.

    The file, every reference and every plan are checked first, without a transaction or a lock.
    A preview (``dry_run``) then checks every row against the rules of the findings services
    (``_Writer.rehearse``) and stops, having written nothing and locked nothing, so that a large
    preview never keeps anyone else from writing.

    The import itself (``_Writer.apply``) checks each row by the same rules as it builds it and
    writes new rows in batches of ``batch_size`` with bulk inserts, inside ONE transaction around
    all the batches: the user asked for the whole file or nothing (DESIGN §6), a row refused in a
    late batch must take the earlier batches with it, and committing batch by batch would need
    compensating deletes where nothing is ever hard-deleted. On SQLite that transaction holds the
    database's write lock while it runs (a few seconds for 10,000 rows: the file was read and
    planned before it began), which is why the web runs the import on the job queue.
    """
    name = name or getattr(upload, "name", "") or _("上传的文件")
    result = ImportResult(name=name, dry_run=dry_run)
    try:
        if not can_import(user):
            raise ActionRefused(_("只有审计机关的审计人员可以导入整改台账。"), code="forbidden")
        try:
            sheet = read_ledger(upload, name, progress)
        except LedgerFileRefused as refused:
            result.errors = refused.errors
            return result
        result.sheet = sheet.sheet
        result.rows = len(sheet.rows)
        if not sheet.header_ok:
            result.errors = sheet.errors
            return result
        if not sheet.rows:
            result.errors = [LedgerError(_("工作表中没有数据行。"), sheet.sheet)]
            return result
        planner = _Planner(sheet, user, name)
        plans = planner.plan(sheet.rows, progress)
        result.notices = planner.notices
        result.errors = _sorted(sheet.errors + planner.errors)
        if result.errors:
            return result
        reason = f"{IMPORT_REASON}（{name}）"[:200]
        writer = _Writer(user, reason, sheet, progress, batch_size)
        errors = writer.rehearse(plans) if dry_run else writer.apply(plans)
        if errors:
            result.errors = _sorted(errors)
            return result
        result.created = [plan for plan in plans if plan.action == "create"]
        result.changed = [plan for plan in plans if plan.action == "update"]
        result.unchanged = sum(1 for plan in plans if plan.action == "same")
        result.applied = not dry_run
        return result
    except ActionRefused as refusal:
        result.errors = [LedgerError(message) for message in refusal.messages]
        return result
    finally:
        if progress is not None:
            progress.finish()


# --- an upload kept between its preview and its confirmation ------------------------------

PENDING_DIR = "exchange/imports"
PENDING_MAX_AGE = datetime.timedelta(days=1)


def _sha256(handle) -> str:
    import hashlib

    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def stash_upload(upload) -> tuple[str, str]:
    """Keeps a previewed upload until it is confirmed; returns its storage name and SHA-256."""
    import uuid

    from django.core.files.storage import default_storage

    discard_stale()
    digest = _sha256(upload)
    name = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}.xlsx", upload)
    return name, digest


def open_stashed(name: str, digest: str):
    """The kept upload, if it is still there and unchanged; else None."""
    from django.core.files.storage import default_storage

    if not name.startswith(f"{PENDING_DIR}/") or not default_storage.exists(name):
        return None
    handle = default_storage.open(name, "rb")
    if _sha256(handle) != digest:
        handle.close()
        return None
    return handle


def discard_stashed(name: str) -> None:
    from django.core.files.storage import default_storage

    if name.startswith(f"{PENDING_DIR}/") and default_storage.exists(name):
        default_storage.delete(name)


def discard_stale() -> None:
    """Uploads previewed but never confirmed are removed after a day."""
    from django.core.files.storage import default_storage

    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - PENDING_MAX_AGE
    for file_name in files:
        path = f"{PENDING_DIR}/{file_name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
