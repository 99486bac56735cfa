"""One district of the synthetic province, built with the demo district's parts and written in batches.

The demo builder (rectify.demo) plans a district in memory and writes it in one go; here each district is
planned the same way (its organizations, projects, findings, outcomes and report rounds: the same
proportions), then its findings' stories (rows built with the services' own row constructors, see
rectify.demo.stories) are made and written a batch at a time, in year order, and dropped: memory stays
bounded by the district's plan and one batch. What differs from the demo:

- names: the district's organizations take its name (江州市涪城区…) in place of 重庆市黔江区, its
  document numbers its abbreviation, its accounts a prefix (``sy0307_auditor``);
- repeats (屡审屡犯): a known share of the findings with an earlier-year finding of the same unit restate
  one of them (same category, text reworded with other amounts, years and counts, see texts.restate),
  recorded in Finding.repeats; other findings' texts are reworded in part, so no two districts read alike;
- the writer: history rows and events go by COPY on PostgreSQL.
"""

from __future__ import annotations

import datetime
import decimal
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.db import connections, models
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import Role, User
from rectify.demo import district as D
from rectify.demo.base import BuilderBase
from rectify.demo.evidence import EvidencePart
from rectify.demo.findings import FindingsPart
from rectify.demo.organizations import OrganizationsPart, _credit_code
from rectify.demo.outcomes import OutcomesPart
from rectify.demo.projects import ProjectsPart
from rectify.demo.records import FindingPlan
from rectify.demo.stories import Story
from rectify.demo.writer import WriterPart, _columns
from rectify.findings.models import Category, Finding, FindingEvent, Requirement
from rectify.generate import texts
from rectify.generate.province import PROVINCE, Place
from rectify.organizations.choices import JurisdictionLevel, OrganizationKind
from rectify.organizations.models import Jurisdiction, Organization, Sector
from rectify.rectification.models import (
    AccountabilityRecord,
    AdoptedRule,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    Verification,
)

R = RoleCode
# The organizations every level has (the first entries of the demo district's list).
LEADERSHIP = ("audit", "committee", "orgdept", "discipline", "finance", "gov", "congress", "inspect", "eco")
# The accounts of each level above the districts: (username suffix, organization key, role, title).
LEVEL_ACCOUNTS = [
    ("auditor", "audit", R.AUDITOR, "审计员"),
    ("auditor2", "audit", R.AUDITOR, "主任科员"),
    ("auditlead", "audit", R.AUDIT_LEADER, None),
    ("committee", "committee", R.COMMITTEE_OFFICER, "审计办副主任"),
    ("orgdept", "orgdept", R.ORG_OFFICER, "干部监督处处长"),
    ("discipline", "discipline", R.DISCIPLINE_OFFICER, "纪检监察室主任"),
    ("finance", "finance", R.FINANCE_OFFICER, "预算处处长"),
    ("gov", "gov", R.GOVERNMENT_OFFICER, "政府办公室副主任"),
    ("congress", "congress", R.CONGRESS_OFFICER, "预算工作委员会主任"),
    ("inspector", "inspect", R.SUPERVISOR_OFFICER, "巡视组副组长"),
]
ADMIN_ACCOUNTS = [("sysadmin", R.SYSTEM_ADMIN, "系统管理员"), ("secadmin", R.SECURITY_ADMIN, "安全管理员"),
                  ("logaudit", R.LOG_AUDITOR, "安全审计员")]  # fmt: skip
_DEMO_PREFIX = "重庆市黔江区"


@dataclass
class Shared:
    """What the districts share: reference rows, the stored evidence files, the password hash, the codes
    given so far, the counts written."""

    province: Jurisdiction
    cities: dict[str, Jurisdiction]
    sectors: dict[str, Sector]
    categories: list[Category]
    evidence_files: dict
    password: str
    roles: dict[str, Role]
    used_codes: set[str]
    repeat_rate: float
    batch: int
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class EvidenceStore(EvidencePart):
    """The demo's handful of evidence files, stored once for the whole province."""

    def files(self) -> dict:
        self._evidence_files()
        return self.evidence_files


class GeneratedStory(Story):
    """A finding's story, its texts varied: a repeat restates the earlier finding it repeats."""

    def _compose(self) -> None:
        super()._compose()
        f = self.f
        obj = f.obj
        rng = self.rng
        if f.repeats:
            earlier = f.repeats[0]
            years = f.year - earlier.year
            factor = f.cents / earlier.cents if f.cents and earlier.cents else rng.uniform(0.5, 1.8)
            obj.title = texts.restate(rng, earlier.title, years=years, factor=factor, title=True)
            obj.description = texts.restate(rng, earlier.description, years=years, factor=factor, since=earlier.year)
        else:
            obj.title = texts.reword(rng, obj.title, 0.25)[:200]
            obj.description = texts.reword(rng, obj.description, 0.3)
        f.title = obj.title
        f.description = obj.description


class DistrictBuilder(OrganizationsPart, ProjectsPart, FindingsPart, OutcomesPart, WriterPart, BuilderBase):
    """Plans one district as the demo does and writes its findings batch by batch."""

    def __init__(self, *, place: Place, shared: Shared, **kwargs):
        super().__init__(**kwargs)
        self.place = place
        self.shared = shared
        self.prefix = place.code.lower()

    def build(self) -> None:
        try:
            self._reference_data()
            self._users()
            self._projects()
            self._findings()
            self._outcomes()
            self._write_projects()
            self._write_findings()
        finally:
            # The demo's per-builder caches (functools.cache on methods) hold the builder, its plans and
            # every value adapted: let them go with the district, or memory grows with each one.
            for cached in (WriterPart._insert_statement, WriterPart._history_model, BuilderBase._deadline):
                cached.cache_clear()

    # --- organizations and accounts -------------------------------------------------------------------

    def _name_of(self, name: str) -> str:
        return name.replace(_DEMO_PREFIX, self.place.full)

    def _reference_data(self) -> None:
        rng = self.rng
        place = self.place
        shared = self.shared
        district = self._stamp(
            Jurisdiction(
                name=place.name,
                code=place.code,
                level=JurisdictionLevel.DISTRICT,
                parent=shared.cities[place.city_code],
            ),
            self.epoch,
        )
        bulk_create_with_history([district], Jurisdiction, **self._history_kwargs(self.epoch))
        self.district = district
        self.orgs: dict[str, Organization] = {}
        self.legal_form: dict[int, str] = {}
        self.abbr: dict[str, str] = {}
        self.org_key: dict[int, str] = {}
        for parents_pass in (True, False):
            batch = []
            for key, name, short, kind, sector, parent, title, abbr, form in D.ORGANIZATIONS:
                if (parent is None) != parents_pass:
                    continue
                org = Organization(
                    name=self._name_of(name),
                    short_name=short,
                    code=_credit_code(rng, form, shared.used_codes),
                    jurisdiction=district,
                    kind=kind,
                    competent_department=self.orgs.get(parent) if parent else None,
                    sector=shared.sectors[sector] if sector else None,
                    head_name=self._name(),
                    head_title=title,
                    phone=f"0{rng.randint(510, 999)}-{rng.randint(2000000, 8999999)}",
                    address=f"{PROVINCE[0]}{place.full}{rng.choice(D.ROADS)}{rng.randint(1, 399)}号",
                )
                self._stamp(org, self.epoch)
                self.orgs[key] = org
                self.abbr[key] = abbr.replace("黔江", place.abbr)
                batch.append(org)
            bulk_create_with_history(batch, Organization, **self._history_kwargs(self.epoch))
        for key, *_rest, form in D.ORGANIZATIONS:
            self.legal_form[self.orgs[key].pk] = "town" if key.startswith("t_") else form
            self.org_key[self.orgs[key].pk] = key
        self.sector_code = {org.pk: (org.sector.code if org.sector else "GENERAL") for org in self.orgs.values()}
        self.categories = shared.categories
        self.evidence_files = shared.evidence_files
        shared.counts["organizations"] += len(self.orgs)

    def _users(self) -> None:
        """The demo district's accounts (auditors, the unit and department accounts, the offices' officers,
        a contact for every unit), each under the district's prefix: ``sy0307_auditor``, ``sy0307_unit``…"""
        o = self.orgs
        demo_unit = o[D.DEMO_UNIT]
        audit = o["audit"]
        dept = demo_unit.competent_department
        specs: list[tuple[str, Organization, str, str, str]] = [
            ("auditor", audit, R.AUDITOR, self._name(), "审计员"),
            ("auditlead", audit, R.AUDIT_LEADER, audit.head_name, audit.head_title),
        ]
        specs += [(f"auditor{n}", audit, R.AUDITOR, self._name(), "主任科员") for n in range(2, 9)]
        specs += [
            ("unit", demo_unit, R.UNIT_CONTACT, self._name(), "财务科科长"),
            ("unithead", demo_unit, R.UNIT_HEAD, demo_unit.head_name, demo_unit.head_title),
            ("dept", dept, R.DEPT_SUPERVISOR, self._name(), "规划财务科科长"),
            ("depthead", dept, R.UNIT_HEAD, dept.head_name, dept.head_title),
            ("orgdept", o["orgdept"], R.ORG_OFFICER, self._name(), "干部监督科科长"),
            ("discipline", o["discipline"], R.DISCIPLINE_OFFICER, self._name(), "第三纪检监察室主任"),
            ("finance", o["finance"], R.FINANCE_OFFICER, self._name(), "预算科科长"),
            ("committee", o["committee"], R.COMMITTEE_OFFICER, self._name(), "审计办副主任"),
            ("gov", o["gov"], R.GOVERNMENT_OFFICER, self._name(), "政府办公室副主任"),
            ("congress", o["congress"], R.CONGRESS_OFFICER, self._name(), "预算工作委员会主任"),
            ("inspector", o["inspect"], R.SUPERVISOR_OFFICER, self._name(), "巡察组副组长"),
            ("internal", demo_unit, R.INTERNAL_AUDITOR, self._name(), "内审科科长"),
        ]
        for key, *_rest in D.ORGANIZATIONS:
            org = o[key]
            if key == D.DEMO_UNIT or org.kind not in (
                OrganizationKind.AUDITED_UNIT,
                OrganizationKind.COMPETENT_DEPARTMENT,
                OrganizationKind.FINANCE_BUREAU,
            ):
                continue
            position = {"enterprise": "财务部经理", "town": "财政所所长"}.get(self.legal_form[org.pk], "财务负责人")
            specs.append((f"lx_{key}", org, R.UNIT_CONTACT, self._name(), position))
        users = make_users(self, [(f"{self.prefix}_{name}", *rest) for name, *rest in specs])
        self.users = {name: user for (name, *_rest), user in zip(specs, users, strict=True)}
        self.auditors = [self.users["auditor"]] + [self.users[f"auditor{n}"] for n in range(2, 9)]
        self.contacts = {org.pk: self.users[name] for name, org, role, *_rest in specs if role == R.UNIT_CONTACT}

    # --- projects and findings ------------------------------------------------------------------------

    def _projects(self) -> None:
        super()._projects()
        for project in self.projects:
            project.report_number = project.report_number.replace("黔江", self.place.abbr)
        self.shared.counts["projects"] += len(self.projects)

    def _findings(self) -> None:
        """The demo's draw of each project's findings, numbered in one pass, and the repeats linked."""
        rng = self.rng
        weights = [p.size for p in self.projects]
        scale = self.n / sum(weights)
        counts = [max(1, int(w * scale)) for w in weights]
        while sum(counts) < self.n:
            counts[rng.choices(range(len(counts)), weights=weights)[0]] += 1
        order = sorted(range(len(counts)), key=lambda i: -counts[i])
        excess = sum(counts) - self.n
        while excess > 0:  # take one from the largest projects in turn (the demo's loop, without the rescans)
            for i in order:
                if excess and counts[i] > 0:
                    counts[i] -= 1
                    excess -= 1
        by_code = {c.code: c for c in self.categories}
        self.findings: list[FindingPlan] = []
        seen: dict[int, list[FindingPlan]] = defaultdict(list)
        for project, count in sorted(zip(self.projects, counts, strict=True), key=lambda pc: pc[0].year):
            units = [u for u, _w in project.finding_units]
            unit_weights = [w for _u, w in project.finding_units]
            for number in range(1, count + 1):
                unit = rng.choices(units, weights=unit_weights)[0]
                # The demo's own repeats of a category are drawn from a unit's latest findings only.
                category = self._category(project, unit, seen[unit.pk][-50:], by_code)
                finding = FindingPlan(project=project, unit=unit, category=category, sequence=number)
                self.findings.append(finding)
                seen[unit.pk].append(finding)
        self._cover_categories()
        self._link_repeats()

    def _link_repeats(self) -> None:
        """Exactly ``repeat_rate`` of the findings (as far as there are findings with an earlier-year
        finding of their unit) restate an earlier finding of their unit, of the same category when it has
        one, else taking that finding's category."""
        rng = self.rng
        eligible: list[int] = []
        units_before: set[int] = set()  # units with a finding in an earlier year
        units_this_year: set[int] = set()
        year = None
        for index, finding in enumerate(self.findings):  # in year order
            if finding.year != year:
                units_before |= units_this_year
                units_this_year = set()
                year = finding.year
            if finding.unit.pk in units_before:
                eligible.append(index)
            units_this_year.add(finding.unit.pk)
        wanted = min(len(eligible), round(self.n * self.shared.repeat_rate))
        chosen = set(rng.sample(eligible, wanted))
        earlier_by_unit: dict[int, list[FindingPlan]] = defaultdict(list)
        by_unit_category: dict[tuple[int, int], list[FindingPlan]] = defaultdict(list)
        pending: list[FindingPlan] = []
        year = None
        for index, finding in enumerate(self.findings):
            if finding.year != year:
                for done in pending:
                    earlier_by_unit[done.unit.pk].append(done)
                    by_unit_category[(done.unit.pk, done.category.pk)].append(done)
                pending = []
                year = finding.year
            finding.repeats = []
            if index in chosen:
                same = by_unit_category.get((finding.unit.pk, finding.category.pk))
                pool = same or earlier_by_unit[finding.unit.pk]
                target = rng.choice(pool[-20:])  # the latest ones: what a later audit would find again
                finding.category = target.category
                finding.repeats = [target]
            pending.append(finding)

    # --- writing --------------------------------------------------------------------------------------

    def _write_findings(self) -> None:
        size = self.shared.batch
        for start in range(0, len(self.findings), size):
            plans = self.findings[start : start + size]
            self._write_batch(plans)
            for plan in plans:  # keep what later repeats need (pk, year, texts, category); drop the rest
                plan.obj = None
                plan.rounds = []

    def _write_batch(self, plans: list[FindingPlan]) -> None:
        counts = self.shared.counts
        stories = [GeneratedStory(self, plan) for plan in plans]
        self._bulk_create(Finding, [plan.obj for plan in plans])
        for plan in plans:
            plan.pk = plan.obj.pk
        history = [row for story in stories for row in story.finding_history()]
        self._insert(get_history_model_for_model(Finding), history)
        through = Finding.repeats.through
        links = [
            through(from_finding_id=plan.obj.pk, to_finding_id=earlier.pk) for plan in plans for earlier in plan.repeats
        ]
        through.objects.bulk_create(links)
        rows = {
            Requirement: [r for s in stories for r in s.requirements],
            Plan: [s.plan for s in stories if s.plan],
            Milestone: [m for s in stories for m in s.milestones],
            ProgressReport: [r for s in stories for r in s.reports],
            AdoptedRule: [r for s in stories for r in s.rules],
            AccountabilityRecord: [r for s in stories for r in s.people],
            Evidence: [e for s in stories for e in s.evidence],
            Verification: [v for s in stories for v in s.verifications],
        }
        for model, objs in rows.items():
            self._create(model, objs)
            counts[model._meta.label] += len(objs)
        events = []
        for story in stories:
            for event in story.events:
                event.finding_id = story.f.obj.pk
                events.append(_columns(event))
        self._insert(FindingEvent, events)
        counts["findings.Finding"] += len(plans)
        counts["findings.HistoricalFinding"] += len(history)
        counts["findings.FindingEvent"] += len(events)
        counts["repeats"] += len(links)

    def _bulk_create(self, model: type[models.Model], objs: list[models.Model]) -> None:
        """On PostgreSQL: ids drawn from the table's sequence in one query, the rows written by COPY; the
        demo's multi-row insert elsewhere."""
        connection = connections["default"]
        if not objs or connection.vendor != "postgresql":
            return super()._bulk_create(model, objs)
        pk = model._meta.pk
        table = model._meta.db_table
        quote = connection.ops.quote_name
        _connection, columns, adapters, _head, _row = self._insert_statement(model)
        saving = [type(f).pre_save is not models.Field.pre_save for f in columns]
        statement = "COPY {} ({}, {}) FROM STDIN".format(
            quote(table), quote(pk.column), ", ".join(quote(f.column) for f in columns)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), pk.column, len(objs)],
            )
            ids = [value for (value,) in cursor.fetchall()]
            with cursor.cursor.copy(statement) as copy:
                for obj, value in zip(objs, ids, strict=True):
                    obj._prepare_related_fields_for_save(operation_name="bulk_create")
                    setattr(obj, pk.attname, value)
                    obj._state.adding = False
                    obj._state.db = connection.alias
                    copy.write_row(
                        [value]
                        + [
                            _copy_value(adapt, f.pre_save(obj, True) if presave else getattr(obj, f.attname))
                            for f, adapt, presave in zip(columns, adapters, saving, strict=True)
                        ]
                    )
        return None

    def _write_projects(self) -> None:
        super()._write_projects()
        # The units each project's findings may name, known here: the rules need not ask the database.
        for project in self.projects:
            allowed: set[int] = set()
            stack = list(project.units)
            while stack:
                unit = stack.pop()
                if unit.pk not in allowed:
                    allowed.add(unit.pk)
                    stack += self._subordinates(unit)
            self.finding_rules._units[project.obj.pk] = allowed

    def _insert(self, model: type[models.Model], rows: list[dict]) -> None:
        """Rows that need no ids back: COPY on PostgreSQL, the demo's executemany elsewhere."""
        connection = connections["default"]
        if not rows or connection.vendor != "postgresql":
            return super()._insert(model, rows)
        connection, columns, adapters, _head, _row = self._insert_statement(model)
        defaults = {f.attname: f.get_default() for f in columns if f.has_default()}
        names = [f.attname for f in columns]
        quote = connection.ops.quote_name
        statement = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in columns)
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for values in rows:
                copy.write_row(
                    [
                        _copy_value(adapt, values[name] if name in values else defaults.get(name))
                        for name, adapt in zip(names, adapters, strict=True)
                    ]
                )
        return None


# Values COPY writes as they are (what each field's get_db_prep_save would give on PostgreSQL); others
# (choices' enums, JSON, encrypted fields, files) go through the field's adapter.
_PLAIN = frozenset({str, int, bool, type(None), datetime.date, decimal.Decimal})


def _copy_value(adapt, value):
    kind = value.__class__
    if kind in _PLAIN or (kind is datetime.datetime and value.tzinfo is not None):
        return value
    return adapt(value)


def make_users(builder: WriterPart, specs: list[tuple[str, Organization, str, str, str]]) -> list[User]:
    """Demo accounts (``is_demo``, the demo password) with one role each, and their creation history."""
    shared: Shared = builder.shared
    rng: random.Random = builder.rng
    users = [
        User(
            username=username,
            password=shared.password,
            full_name=full_name,
            first_name="",
            organization=org,
            title=title,
            phone=f"1{rng.choice('35789')}{rng.randint(100000000, 999999999)}",
            is_staff=role in (R.SYSTEM_ADMIN, R.SECURITY_ADMIN),
            is_demo=True,
            date_joined=builder.epoch,
        )
        for username, org, role, full_name, title in specs
    ]
    users = bulk_create_with_history(users, User, **builder._history_kwargs(builder.epoch))
    through = User.roles.through
    through.objects.bulk_create(
        [
            through(user_id=user.pk, role_id=shared.roles[role].pk)
            for user, (_n, _o, role, *_rest) in zip(users, specs, strict=True)
        ]
    )
    shared.counts["users"] += len(users)
    return users


def admin_permissions(users: dict[str, User]) -> None:
    """The system and security administrators' model permissions, as the demo grants them."""
    admin_models = {
        "organizations": ["jurisdiction", "sector", "organization"],
        "accounts": ["user", "role"],
        "findings": ["category", "deadlinerule"],
    }
    permissions = Permission.objects.filter(
        models.Q(
            *[
                models.Q(content_type__app_label=app, content_type__model__in=names)
                for app, names in admin_models.items()
            ],
            _connector=models.Q.OR,
        ),
        codename__regex=r"^(view|add|change)_",
    )
    account_permissions = Permission.objects.filter(
        models.Q(content_type__app_label="accounts", codename__in=["view_user", "change_user", "view_role"])
        | models.Q(
            content_type__app_label="axes",
            codename__in=["view_accessattempt", "delete_accessattempt", "view_accesslog", "view_accessfailurelog"],
        )
    )
    through = User.user_permissions.through
    through.objects.bulk_create(
        [through(user_id=users["sysadmin"].pk, permission_id=p.pk) for p in permissions]
        + [through(user_id=users["secadmin"].pk, permission_id=p.pk) for p in account_permissions]
    )
