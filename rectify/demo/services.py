"""The demo district generator: 重庆市 › 黔江区 with five audit years of findings and their rectification.

``load_demo()`` builds everything in memory and writes it with bulk inserts inside one transaction, so a
failure leaves nothing half-loaded. The records are those the services would have written: every finding
has its requirements, timeline events, plan, report rounds (with amounts, rules, people held accountable
and evidence files), verifications, and a history row per change; the states follow the transition table
(draft → issued → rectifying → submitted → closed, returns, long-term and back).

An audit year Y (审计年度) is audited in the year after it (a 2024 budget is audited in 2025); its findings
are numbered ``QJ-Y-…``. The five years are the five ending last year, counted from ``timezone.localdate()``.
Everything is drawn from ``random.Random(seed)``: the same seed on the same day gives the same district.
"""

from __future__ import annotations

import datetime
import functools
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connections, models, router, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import Role, User
from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.core.request_context import request_id_context
from rectify.demo import district as D
from rectify.demo import files, texts
from rectify.findings.choices import Disclosure, EventKind, FindingState, Kind
from rectify.findings.models import Category, DeadlineRule, Finding, FindingEvent, Requirement
from rectify.findings.services import default_deadline
from rectify.organizations.choices import JurisdictionLevel, OrganizationKind
from rectify.organizations.models import Jurisdiction, Organization, Sector
from rectify.rectification import evidence as evidence_files
from rectify.rectification.choices import AccountabilityOutcome, ReportKind, Verdict
from rectify.rectification.models import (
    AccountabilityRecord,
    AdoptedRule,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    Verification,
)

DEFAULT_SEED = 2021
DEFAULT_FINDINGS = 2000
MIN_FINDINGS = 50
YEARS = 5

S = FindingState
T = AuditType

# Models whose created/last_updated the demo sets to the story's own dates.
_STAMPED_MODELS = (
    Jurisdiction,
    Sector,
    Organization,
    AuditProject,
    Finding,
    Requirement,
    Plan,
    Milestone,
    ProgressReport,
    AdoptedRule,
    AccountabilityRecord,
    Evidence,
    Verification,
)

# Which problems each audit type tends to find: weight per first-level category.
_AFFINITY: dict[str, dict[str, int]] = {
    T.BUDGET_EXECUTION: {"01": 6, "02": 6, "03": 2, "04": 1, "05": 3, "06": 4, "07": 3, "08": 2, "09": 1},
    T.ECONOMIC_RESPONSIBILITY: {"01": 2, "02": 2, "03": 1, "04": 2, "05": 2, "06": 2, "07": 3, "08": 4, "11": 7},
    T.NATURAL_RESOURCES: {"10": 9, "03": 1, "05": 1, "11": 2},
    T.SPECIAL_FUND: {"03": 9, "02": 2, "09": 2, "04": 1, "06": 1},
    T.INVESTMENT: {"04": 10, "08": 2, "09": 1, "05": 1},
    T.STATE_ENTERPRISE: {"12": 8, "05": 2, "06": 3, "08": 3, "07": 2, "04": 2},
    T.POLICY_FOLLOW_UP: {"09": 9, "03": 3, "02": 1},
    T.INTERNAL_AUDIT: {"06": 4, "05": 3, "08": 4, "07": 2, "04": 2, "01": 1},
}
# How many findings a project of each type brings, relatively.
_SIZE = {
    T.BUDGET_EXECUTION: 15,
    T.ECONOMIC_RESPONSIBILITY: 12,
    T.NATURAL_RESOURCES: 9,
    T.SPECIAL_FUND: 14,
    T.INVESTMENT: 9,
    T.STATE_ENTERPRISE: 12,
    T.POLICY_FOLLOW_UP: 12,
    T.INTERNAL_AUDIT: 7,
}
_TYPE_WEIGHTS = {
    T.BUDGET_EXECUTION: 28,
    T.ECONOMIC_RESPONSIBILITY: 20,
    T.SPECIAL_FUND: 14,
    T.INVESTMENT: 10,
    T.STATE_ENTERPRISE: 8,
    T.POLICY_FOLLOW_UP: 9,
    T.NATURAL_RESOURCES: 7,
    T.INTERNAL_AUDIT: 4,
}
_POLICY_TOPICS = [
    ("稳就业", ["hrss", "hr_jy", "hr_sb", "scj"]),
    ("优化营商环境", ["fgw", "scj", "natres", "build"]),
    ("惠民惠农财政补贴资金“一卡通”管理", ["agri", "civil", "t_zs", "t_sh", "t_cd"]),
    ("保障中小企业款项支付", ["build", "transport", "soe_ct", "water"]),
    ("减税降费", ["scj", "fgw", "natres", "hrss"]),
    ("乡村振兴", ["agri", "ag_nj", "t_zs", "t_sh", "water"]),
    ("养老服务", ["civil", "cv_fl", "t_cn", "t_cx"]),
]
_BUILDERS = ["soe_ct", "soe_jl", "soe_sw", "build", "transport", "water", "health_rm", "edu_yz", "t_zs", "urban"]
_DEMO_UNIT_PROJECTS = [T.BUDGET_EXECUTION, T.SPECIAL_FUND, T.INVESTMENT, T.ECONOMIC_RESPONSIBILITY, T.INTERNAL_AUDIT]
_ACCOUNTABLE_CATEGORIES = {"0203", "0205", "0303", "0304", "0401", "0603", "0701", "0702", "0704", "1101", "1202"}
_OUTCOME_WEIGHTS = {
    AccountabilityOutcome.REMINDER_TALK: 30,
    AccountabilityOutcome.CRITICISM: 30,
    AccountabilityOutcome.ADMONISHMENT: 15,
    AccountabilityOutcome.DEMERIT: 8,
    AccountabilityOutcome.MAJOR_DEMERIT: 3,
    AccountabilityOutcome.DISCIPLINARY: 8,
    AccountabilityOutcome.ORGANIZATIONAL: 5,
    AccountabilityOutcome.JUDICIAL: 1,
}


class DemoError(Exception):
    """The demo cannot be loaded as asked."""


@dataclass
class Summary:
    organizations: int
    users: int
    projects: int
    findings: int
    by_state: dict[str, int]
    by_colour: dict[str, int]
    reports: int
    verifications: int
    events: int
    repeats: int
    seconds: float = 0.0


def is_loaded() -> bool:
    return Jurisdiction.all_objects.filter(code=D.DISTRICT[1]).exists()


def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    findings: int = DEFAULT_FINDINGS,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Summary:
    """Loads the demo district, all or nothing."""
    if findings < MIN_FINDINGS:
        raise DemoError(f"演示数据至少需要 {MIN_FINDINGS} 条问题。")
    started = time.monotonic()
    with request_id_context(prefix="demo-") as request_id, transaction.atomic(), _story_timestamps():
        if is_loaded():
            raise DemoError("演示区（黔江区）已存在，未重复加载。")
        summary = _Builder(seed=seed, findings=findings, today=today, now=now, request_id=request_id).build()
    summary.seconds = time.monotonic() - started
    return summary


@contextmanager
def _story_timestamps() -> Iterator[None]:
    """Lets the demo write its own created/last_updated (the dates of the story, not of the load)."""
    saved = []
    for model in _STAMPED_MODELS:
        for name, flag in (("created", "auto_now_add"), ("last_updated", "auto_now")):
            model_field = model._meta.get_field(name)
            saved.append((model_field, flag, getattr(model_field, flag)))
            setattr(model_field, flag, False)
    try:
        yield
    finally:
        for model_field, flag, value in saved:
            setattr(model_field, flag, value)


# --- small helpers ------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def money_text(cents: int) -> str:
    """186.42万元 or 8650元, the way audit reports write amounts."""
    yuan = Decimal(cents) / 100
    if yuan >= 10000 and cents % 10000 == 0:
        text = f"{yuan / 10000:.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    if cents % 100 == 0:
        return f"{int(yuan)}元"
    return f"{yuan:.2f}元"


def _cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _credit_code(rng: random.Random, legal_form: str, used: set[str]) -> str:
    """A well-formed 统一社会信用代码 (GB 32100-2015), with a valid 组织机构代码 (GB 11714) inside."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    prefix = {"agency": "11", "institution": "12", "enterprise": "91"}[legal_form]
    while True:
        body = [rng.randrange(10) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
        org_code = "".join(map(str, body)) + {10: "X", 11: "0"}.get(check, str(check))
        head = prefix + D.ADMIN_CODE + org_code
        total = sum(alphabet.index(ch) * w for ch, w in zip(head, weights, strict=True))
        code = head + alphabet[(31 - total % 31) % 31]
        if code not in used:
            used.add(code)
            return code


@dataclass
class _Project:
    year: int
    type: str
    name: str
    units: list[Organization]
    finding_units: list[tuple[Organization, int]]
    role: str = ""  # "fieldwork", "yellow", "fresh" or ""
    official: str = ""
    subject: str = ""  # the construction project of an investment audit
    fund: str = ""  # the fund of a special-fund audit
    started_on: datetime.date | None = None
    report_date: datetime.date | None = None
    report_number: str = ""
    sequence: int = 0
    size: float = 1.0
    leader: User | None = None
    team: list[User] = field(default_factory=list)
    obj: AuditProject | None = None


@dataclass
class _Round:
    """One report round of a finding's story."""

    verdict: str | None  # None: awaiting verification; "continued": a continued report not yet reviewed
    continued: bool = False
    final: bool = False
    claim: int = 0  # cents
    genuine_before: int = 0


@dataclass
class _Outcome:
    state: str
    returns: list[str] = field(default_factory=list)  # verdicts of rounds sent back
    pending: bool = False  # the last round awaits verification
    continued_rounds: int = 0
    via_long_term: bool = False  # went through long-term before the final round
    reviewed_continued: bool = True


@dataclass
class _Finding:
    project: _Project
    unit: Organization
    category: Category
    sequence: int = 0
    repeats: list[_Finding] = field(default_factory=list)
    kind: str = Kind.IMMEDIATE
    cents: int = 0
    rda: bool = False
    outcome: _Outcome | None = None
    rounds: list[_Round] = field(default_factory=list)
    deadline: datetime.date | None = None
    obj: Finding | None = None

    @property
    def year(self) -> int:
        return self.project.year

    @property
    def group(self) -> str:
        return self.category.code[:2]


class _Builder:
    def __init__(
        self,
        *,
        seed: int,
        findings: int,
        today: datetime.date | None,
        now: datetime.datetime | None,
        request_id: str,
    ):
        self.rng = random.Random(seed)
        self.n = findings
        self.tz = timezone.get_default_timezone()
        if now is None:
            # A given day (for trying other dates) ends the story at 18:00 that day.
            now = timezone.now() if today is None else datetime.datetime.combine(today, datetime.time(18), self.tz)
        self.now = now
        self.today = today or timezone.localdate(now)
        self.request_id = request_id
        self.years = list(range(self.today.year - YEARS, self.today.year))
        self.history = {"request_id": request_id}
        self.epoch = self._at(datetime.date(self.years[0] + 1, 1, 4), 9, 0)
        rule = DeadlineRule.objects.filter(kind=Kind.LONG_TERM).first()
        self.interval = (rule.reporting_interval_days if rule else None) or 90

    # --- time -----------------------------------------------------------------------------------------

    def _at(self, day: datetime.date, hour: int, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def _work_time(self, day: datetime.date) -> datetime.datetime:
        if day.weekday() >= 5 and self.rng.random() < 0.85:
            monday = day + datetime.timedelta(days=7 - day.weekday())
            if monday < self.today:
                day = monday
        minutes = self.rng.randint(0, 9 * 60)
        return self._at(day, 8, 30) + datetime.timedelta(minutes=minutes)

    def _workday(self, day: datetime.date) -> datetime.date:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day

    def _place(self, start: datetime.datetime, gaps: Sequence[float]) -> list[datetime.datetime]:
        """Datetimes for steps ``gaps`` days apart after ``start``, squeezed to end before now, in order."""
        room = (self.now - start).total_seconds() / 86400 - 0.05
        total = sum(gaps)
        if total > room * 0.95:
            gaps = [g * room * 0.95 / total for g in gaps]
        placed = []
        nominal = start
        previous = start
        for gap in gaps:
            nominal = nominal + datetime.timedelta(days=gap)
            when = self._work_time(timezone.localtime(nominal, self.tz).date()) if gap >= 1 else nominal
            if when <= previous:
                when = previous + datetime.timedelta(minutes=self.rng.randint(5, 90))
            if when >= self.now:
                when = previous + (self.now - previous) / 2
            placed.append(when)
            previous = when
        return placed

    @functools.cache  # noqa: B019 - one builder per load
    def _deadline(self, kind: str, base: datetime.date) -> datetime.date:
        return default_deadline(kind, base)

    # --- the whole load ---------------------------------------------------------------------------------

    def build(self) -> Summary:
        self._reference_data()
        self._users()
        self._projects()
        self._findings()
        self._outcomes()
        self._write_projects()
        self._write_findings()
        return self._summary()

    # --- reference data ---------------------------------------------------------------------------------

    def _history_kwargs(self, when: datetime.datetime, user: User | None = None) -> dict:
        return {"default_date": when, "default_user": user, "custom_historical_attrs": self.history}

    def _stamp(self, obj: models.Model, created: datetime.datetime, updated: datetime.datetime | None = None):
        obj.created = created
        obj.last_updated = updated or created
        obj._history_date = created
        return obj

    def _reference_data(self) -> None:
        rng = self.rng
        city = Jurisdiction.all_objects.filter(code=D.CITY[1]).first()
        if city is None:
            city = self._stamp(Jurisdiction(name=D.CITY[0], code=D.CITY[1], level=JurisdictionLevel.CITY), self.epoch)
            bulk_create_with_history([city], Jurisdiction, **self._history_kwargs(self.epoch))
        district = self._stamp(
            Jurisdiction(name=D.DISTRICT[0], code=D.DISTRICT[1], level=JurisdictionLevel.DISTRICT, parent=city),
            self.epoch,
        )
        bulk_create_with_history([district], Jurisdiction, **self._history_kwargs(self.epoch))
        self.district = district

        sectors: dict[str, Sector] = {}
        missing = []
        for code, name in D.SECTORS:
            existing = Sector.all_objects.filter(code=code).first() or Sector.all_objects.filter(name=name).first()
            if existing:
                sectors[code] = existing
            else:
                sectors[code] = self._stamp(Sector(code=code, name=name), self.epoch)
                missing.append(sectors[code])
        bulk_create_with_history(missing, Sector, **self._history_kwargs(self.epoch))

        used = set(Organization.all_objects.values_list("code", flat=True))
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
                    name=name,
                    short_name=short,
                    code=_credit_code(rng, form, used),
                    jurisdiction=district,
                    kind=kind,
                    competent_department=self.orgs.get(parent) if parent else None,
                    sector=sectors[sector] if sector else None,
                    head_name=self._name(),
                    head_title=title,
                    phone=f"023-7923{rng.randint(1000, 9999)}",
                    address=f"重庆市黔江区{rng.choice(D.ROADS)}{rng.randint(1, 399)}号",
                )
                self._stamp(org, self.epoch)
                self.orgs[key] = org
                self.abbr[key] = abbr
                batch.append(org)
            bulk_create_with_history(batch, Organization, **self._history_kwargs(self.epoch))
        for key, *_rest, form in D.ORGANIZATIONS:
            self.legal_form[self.orgs[key].pk] = "town" if key.startswith("t_") else form
            self.org_key[self.orgs[key].pk] = key
        self.sector_code = {org.pk: (org.sector.code if org.sector else "GENERAL") for org in self.orgs.values()}
        self.categories = list(Category.objects.filter(parent__isnull=False).order_by("code"))
        if not self.categories:
            raise DemoError("问题分类尚未初始化，请先执行 migrate。")

    def _name(self) -> str:
        rng = self.rng
        return rng.choice(D.SURNAMES) + rng.choice(D.GIVEN)

    # --- users ------------------------------------------------------------------------------------------

    def _users(self) -> None:
        R = RoleCode
        o = self.orgs
        demo_unit = o[D.DEMO_UNIT]
        audit = o["audit"]
        specs: list[tuple[str, Organization, list[str], str, str]] = [
            ("auditor", audit, [R.AUDITOR], self._name(), "审计员"),
            ("auditlead", audit, [R.AUDIT_LEADER], audit.head_name, audit.head_title),
        ]
        for number in range(2, 9):
            specs.append(
                (f"auditor{number}", audit, [R.AUDITOR], self._name(), self.rng.choice(["审计员", "主任科员"]))
            )
        dept = demo_unit.competent_department
        specs += [
            ("unit", demo_unit, [R.UNIT_CONTACT], self._name(), "财务科科长"),
            ("unithead", demo_unit, [R.UNIT_HEAD], demo_unit.head_name, demo_unit.head_title),
            ("dept", dept, [R.DEPT_SUPERVISOR], self._name(), "规划财务科科长"),
            ("orgdept", o["orgdept"], [R.ORG_OFFICER], self._name(), "干部监督科科长"),
            ("discipline", o["discipline"], [R.DISCIPLINE_OFFICER], self._name(), "第三纪检监察室主任"),
            ("finance", o["finance"], [R.FINANCE_OFFICER], self._name(), "预算科科长"),
            ("committee", o["committee"], [R.COMMITTEE_OFFICER], self._name(), "区委审计办副主任"),
            ("gov", o["gov"], [R.GOVERNMENT_OFFICER], self._name(), "区政府办公室副主任"),
            ("congress", o["congress"], [R.CONGRESS_OFFICER], self._name(), "预算工作委员会主任"),
            ("sysadmin", audit, [R.SYSTEM_ADMIN], self._name(), "系统管理员"),
            ("secadmin", audit, [R.SECURITY_ADMIN], self._name(), "安全管理员"),
            ("logaudit", audit, [R.LOG_AUDITOR], self._name(), "安全审计员"),
        ]
        for key, *_rest in D.ORGANIZATIONS:
            org = o[key]
            if key == D.DEMO_UNIT or org.kind not in (
                OrganizationKind.AUDITED_UNIT,
                OrganizationKind.COMPETENT_DEPARTMENT,
                OrganizationKind.FINANCE_BUREAU,
            ):
                continue
            form = self.legal_form[org.pk]
            position = {"enterprise": "财务部经理", "town": "财政所所长"}.get(form, "财务负责人")
            specs.append((f"lx_{key}", org, [R.UNIT_CONTACT], self._name(), position))
        existing = set(User.objects.filter(username__in=[s[0] for s in specs]).values_list("username", flat=True))
        if existing:
            raise DemoError(f"以下演示账号已存在：{'、'.join(sorted(existing))}。")
        password = make_password(settings.RECTIFY_DEMO_PASSWORD)
        users = []
        for username, org, _roles, full_name, title in specs:
            users.append(
                User(
                    username=username,
                    password=password,
                    full_name=full_name,
                    first_name="",
                    organization=org,
                    title=title,
                    phone=f"1{self.rng.choice('35789')}{self.rng.randint(100000000, 999999999)}",
                    is_staff=username in ("sysadmin", "secadmin"),
                    date_joined=self.epoch,
                )
            )
        users = bulk_create_with_history(users, User, **self._history_kwargs(self.epoch))
        self.users = {u.username: u for u in users}
        roles = {r.code: r for r in Role.objects.all()}
        through = User.roles.through
        through.objects.bulk_create(
            [
                through(user_id=self.users[username].pk, role_id=roles[code].pk)
                for username, _org, role_codes, _n, _t in specs
                for code in role_codes
            ]
        )
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
        perm_through = User.user_permissions.through
        # The security administrator grants roles and resets passwords; it needs to see and change accounts.
        account_permissions = Permission.objects.filter(
            models.Q(content_type__app_label="accounts", codename__in=["view_user", "change_user", "view_role"])
            # Unlocking an account locked after failed sign-ins is deleting its access attempt.
            | models.Q(
                content_type__app_label="axes",
                codename__in=["view_accessattempt", "delete_accessattempt", "view_accesslog", "view_accessfailurelog"],
            )
        )
        perm_through.objects.bulk_create(
            [perm_through(user_id=self.users["sysadmin"].pk, permission_id=p.pk) for p in permissions]
            + [perm_through(user_id=self.users["secadmin"].pk, permission_id=p.pk) for p in account_permissions]
        )
        self.auditors = [self.users["auditor"]] + [self.users[f"auditor{n}"] for n in range(2, 9)]
        self.contacts: dict[int, User] = {}
        for username, org, role_codes, _n, _t in specs:
            if R.UNIT_CONTACT in role_codes:
                self.contacts[org.pk] = self.users[username]
        self.user_count = len(users)

    # --- projects ---------------------------------------------------------------------------------------

    def _projects(self) -> None:
        rng = self.rng
        total = max(16, round(self.n / 13.5))
        shares = [1.0, 1.03, 1.06, 1.1, 1.14]
        per_year = [max(3, round(total * s / sum(shares))) for s in shares]
        slots: list[tuple[int, str, str]] = []  # (year, type or "", role)
        latest = self.years[-1]
        for index, (year, count) in enumerate(zip(self.years, per_year, strict=True)):
            roles = []
            demo_type = _DEMO_UNIT_PROJECTS[index % len(_DEMO_UNIT_PROJECTS)]
            if year == latest:
                roles.append((T.SPECIAL_FUND, "yellow"))
                fieldwork = 1 if total < 40 else 3
                roles += [("", "fieldwork")] * fieldwork
                roles.append(("", "fresh"))
            else:
                roles.append((demo_type, "demo"))
            if count >= 6:
                roles.append((T.BUDGET_EXECUTION, "central"))
            while len(roles) < count:
                roles.append(("", ""))
            slots += [(year, t, role) for t, role in roles[:count]]
        # Every audit type at least once, then by weight.
        missing = [t for t in T.values if t not in {s[1] for s in slots}]
        rng.shuffle(missing)
        filled = []
        for year, audit_type, role in slots:
            if not audit_type:
                audit_type = missing.pop() if missing and role != "fieldwork" else _weighted(rng, _TYPE_WEIGHTS)
            filled.append((year, audit_type, role))
        if missing:  # only fieldwork slots were left: let them take the remaining types
            for i, (year, _audit_type, role) in enumerate(filled):
                if role == "fieldwork" and missing:
                    filled[i] = (year, missing.pop(), role)
        self.projects = [self._project(year, audit_type, role) for year, audit_type, role in filled]
        self._schedule()

    def _project(self, year: int, audit_type: str, role: str) -> _Project:
        rng = self.rng
        o = self.orgs
        size = _SIZE[audit_type] * rng.uniform(0.6, 1.4)
        if role == "fieldwork":
            size *= 0.5
        if role in ("demo", "yellow"):
            return self._demo_unit_project(year, audit_type, role, size)
        if audit_type == T.BUDGET_EXECUTION:
            if role == "central":
                others = rng.sample([o[k] for k in ("fgw", "scj", "ybj", "lyj", "civil", "hrss")], k=rng.randint(1, 2))
                units = [o["finance"], *others]
                name = f"{year}年度区级预算执行和其他财政收支情况审计"
                return _Project(year, audit_type, name, units, [(u, 2) for u in units], role, size=size * 1.6)
            unit = rng.choice(self._of_kind(OrganizationKind.COMPETENT_DEPARTMENT) + self._towns() + [o["fgw"]])
            if unit.sector and unit.sector.code == "TOWN":
                name = f"{unit.short_name}{year}年度财政财务收支审计"
            else:
                name = f"{unit.short_name}{year}年度部门预算执行情况审计"
            subs = self._subordinates(unit)
            finding_units = [(unit, 3)] + [(s, 1) for s in subs]
            units = [unit, *rng.sample(subs, k=min(len(subs), rng.randint(0, 2)))]
            return _Project(year, audit_type, name, units, finding_units, role, size=size)
        if audit_type == T.ECONOMIC_RESPONSIBILITY:
            candidates = self._of_kind(OrganizationKind.COMPETENT_DEPARTMENT) + self._towns() + self._audited()
            unit = rng.choice(candidates)
            return self._cadre_project(year, audit_type, role, unit, size)
        if audit_type == T.NATURAL_RESOURCES:
            unit = rng.choice([*self._towns(), o["natres"], o["lyj"], o["water"], o["agri"]])
            return self._cadre_project(year, audit_type, role, unit, size)
        if audit_type == T.SPECIAL_FUND:
            dept = rng.choice(self._of_kind(OrganizationKind.COMPETENT_DEPARTMENT))
            fund = rng.choice(self._words(dept)["fund"])
            pool = self._subordinates(dept) or self._towns()
            units = [dept, *rng.sample(pool, k=min(len(pool), rng.randint(1, 2)))]
            name = f"{year}年度{fund}专项审计"
            return _Project(year, audit_type, name, units, [(u, 2) for u in units], role, fund=fund, size=size)
        if audit_type == T.INVESTMENT:
            unit = o[rng.choice(_BUILDERS)]
            subject = rng.choice(self._words(unit)["proj"])
            suffix = rng.choice(["竣工决算审计", "跟踪审计", "竣工决算审计"])
            return _Project(
                year, audit_type, f"{subject}{suffix}", [unit], [(unit, 1)], role, subject=subject, size=size
            )
        if audit_type == T.STATE_ENTERPRISE:
            unit = rng.choice(self._subordinates(o["soe"]))
            name = f"{unit.short_name}{year}年度{rng.choice(['资产负债损益审计', '财务收支审计'])}"
            return _Project(year, audit_type, name, [unit], [(unit, 1)], role, size=size)
        if audit_type == T.POLICY_FOLLOW_UP:
            topic, keys = rng.choice(_POLICY_TOPICS)
            units = [o[k] for k in rng.sample(keys, k=rng.randint(2, 3))]
            name = f"{year}年度{topic}政策措施落实情况跟踪审计"
            return _Project(year, audit_type, name, units, [(u, 1) for u in units], role, size=size)
        # Internal audit: a unit's own internal audit findings, tracked the same way.
        unit = rng.choice(self._audited())
        name = f"{unit.short_name}{year}年度内部审计发现问题整改跟踪"
        return _Project(year, audit_type, name, [unit], [(unit, 1)], role, size=size)

    def _demo_unit_project(self, year: int, audit_type: str, role: str, size: float) -> _Project:
        o = self.orgs
        demo = o[D.DEMO_UNIT]
        dept = demo.competent_department
        if audit_type == T.ECONOMIC_RESPONSIBILITY:
            project = self._cadre_project(year, audit_type, role, demo, size)
        elif audit_type == T.INVESTMENT:
            subject = self._words(demo)["proj"][0]
            project = _Project(year, audit_type, f"{subject}竣工决算审计", [demo], [(demo, 1)], role, subject=subject)
        elif audit_type == T.INTERNAL_AUDIT:
            name = f"{demo.short_name}{year}年度内部审计发现问题整改跟踪"
            project = _Project(year, audit_type, name, [demo], [(demo, 1)], role)
        elif audit_type == T.SPECIAL_FUND:
            fund = self._words(demo)["fund"][0]
            units = [dept, demo, o["health_zy"]]
            project = _Project(
                year,
                audit_type,
                f"{year}年度{fund}专项审计",
                units,
                [(dept, 1), (demo, 4), (units[2], 1)],
                role,
                fund=fund,
            )
        else:
            units = [dept, demo]
            name = f"{dept.short_name}{year}年度部门预算执行情况审计"
            finding_units = [(dept, 2), (demo, 4)] + [(s, 1) for s in self._subordinates(dept) if s != demo]
            project = _Project(year, audit_type, name, units, finding_units, role)
        project.size = size * 1.5
        return project

    def _cadre_project(self, year: int, audit_type: str, role: str, unit: Organization, size: float) -> _Project:
        rng = self.rng
        title = unit.head_title.split("、")[0]
        surname = rng.choice(D.SURNAMES)
        leaving = rng.random() < 0.7
        official = f"{'原' if leaving else ''}{unit.short_name}{title}{surname}某某"
        if audit_type == T.NATURAL_RESOURCES:
            kind = "离任" if leaving else "任中"
            name = f"{unit.short_name}{'原' if leaving else ''}{title}{surname}某某自然资源资产{kind}审计"
        else:
            kind = "任期" if leaving else "任中"
            name = f"{unit.short_name}{'原' if leaving else ''}{title}{surname}某某{kind}经济责任审计"
        return _Project(year, audit_type, name, [unit], [(unit, 1)], role, official=official, size=size)

    def _of_kind(self, kind: str) -> list[Organization]:
        return [org for org in self.orgs.values() if org.kind == kind]

    def _towns(self) -> list[Organization]:
        return [org for key, org in self.orgs.items() if key.startswith("t_")]

    def _audited(self) -> list[Organization]:
        return self._of_kind(OrganizationKind.AUDITED_UNIT)

    def _subordinates(self, org: Organization) -> list[Organization]:
        return [o for o in self.orgs.values() if o.competent_department_id == org.pk]

    def _words(self, org: Organization) -> dict[str, list[str]]:
        return texts.SECTOR_WORDS.get(self.sector_code[org.pk], texts.SECTOR_WORDS["GENERAL"])

    def _schedule(self) -> None:
        """Start and report dates, sequences and report numbers, leaders and teams."""
        rng = self.rng
        latest = self.years[-1]
        immediate_days = (self._deadline(Kind.IMMEDIATE, self.today) - self.today).days
        for project in self.projects:
            year = project.year
            if project.role == "fieldwork":
                project.started_on = self._workday(self.today - datetime.timedelta(days=rng.randint(12, 75)))
                project.started_on = min(project.started_on, self.today - datetime.timedelta(days=3))
            elif project.role == "yellow":
                # Immediate items fall due within the warning window: yellow on the ledger.
                project.report_date = min(
                    self.today + datetime.timedelta(days=4 - immediate_days), self.today - datetime.timedelta(days=3)
                )
                project.started_on = project.report_date - datetime.timedelta(days=rng.randint(50, 80))
            elif project.role == "fresh":
                project.report_date = self.today - datetime.timedelta(days=rng.randint(8, 14))
                project.started_on = project.report_date - datetime.timedelta(days=rng.randint(45, 90))
            else:
                if year == latest:
                    first = max(datetime.date(year + 1, 3, 1), self.today - datetime.timedelta(days=330))
                    last = self.today - datetime.timedelta(days=35)
                    if (last - first).days < 30:
                        first = self.today - datetime.timedelta(days=330)
                    report = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
                else:
                    start = datetime.date(year + 1, 1, 10) + datetime.timedelta(days=rng.randint(0, 260))
                    report = start + datetime.timedelta(days=rng.randint(45, 110))
                project.report_date = self._workday(report)
                if project.report_date >= self.today:
                    project.report_date = self.today - datetime.timedelta(days=3)
                project.started_on = project.report_date - datetime.timedelta(days=rng.randint(45, 110))
            project.started_on = self._workday(project.started_on)
            if project.report_date and project.report_date <= project.started_on:
                project.started_on = project.report_date - datetime.timedelta(days=30)
        by_year: dict[int, list[_Project]] = defaultdict(list)
        for project in self.projects:
            by_year[project.year].append(project)
        for projects in by_year.values():
            for number, project in enumerate(sorted(projects, key=lambda p: (p.started_on, p.name)), start=1):
                project.sequence = number
        numbers: Counter[int] = Counter()
        for project in sorted((p for p in self.projects if p.report_date), key=lambda p: (p.report_date, p.sequence)):
            numbers[project.report_date.year] += 1
            project.report_number = f"黔江审报〔{project.report_date.year}〕{numbers[project.report_date.year]}号"
        lead_weights = [3] + [1] * (len(self.auditors) - 1)
        for project in self.projects:
            project.leader = rng.choices(self.auditors, weights=lead_weights)[0]
            others = [a for a in self.auditors if a != project.leader]
            project.team = [project.leader, *rng.sample(others, k=rng.randint(2, 4))]
            if self.auditors[0] not in project.team and rng.random() < 0.4:
                project.team.append(self.auditors[0])

    # --- findings ---------------------------------------------------------------------------------------

    def _findings(self) -> None:
        rng = self.rng
        weights = [p.size for p in self.projects]
        scale = self.n / sum(weights)
        counts = [max(1, int(w * scale)) for w in weights]
        while sum(counts) < self.n:
            counts[rng.choices(range(len(counts)), weights=weights)[0]] += 1
        while sum(counts) > self.n:
            i = max(range(len(counts)), key=lambda j: counts[j])
            counts[i] -= 1
        by_code = {c.code: c for c in self.categories}
        self.findings: list[_Finding] = []
        seen: dict[int, list[_Finding]] = defaultdict(list)  # unit → its findings so far (earlier years first)
        for project, count in sorted(zip(self.projects, counts, strict=True), key=lambda pc: pc[0].year):
            units = [u for u, _w in project.finding_units]
            unit_weights = [w for _u, w in project.finding_units]
            for _ in range(count):
                unit = rng.choices(units, weights=unit_weights)[0]
                category = self._category(project, unit, seen[unit.pk], by_code)
                finding = _Finding(project=project, unit=unit, category=category)
                self.findings.append(finding)
                seen[unit.pk].append(finding)
        self._cover_categories()
        self._link_repeats()
        for project in self.projects:
            for number, finding in enumerate((f for f in self.findings if f.project is project), start=1):
                finding.sequence = number

    def _category_weights(self, project: _Project, unit: Organization) -> list[float]:
        affinity = _AFFINITY[project.type]
        enterprise = self.legal_form[unit.pk] == "enterprise"
        cadre = project.type in (T.ECONOMIC_RESPONSIBILITY, T.NATURAL_RESOURCES)
        weights = []
        for category in self.categories:
            group = category.code[:2]
            weight = affinity.get(group, 0)
            if group == "12":
                weight = (6 if enterprise else 0) if weight or cadre else 0
            if enterprise and group == "01":
                weight = 0
            if category.code == "1103" and not cadre:
                weight = 0
            if group == "10" and project.type != T.NATURAL_RESOURCES:
                weight = 1 if self.legal_form[unit.pk] == "town" else 0
            weights.append(weight)
        if not any(weights):
            weights = [1 if c.code[:2] in ("06", "08") else 0 for c in self.categories]
        return weights

    def _category(self, project: _Project, unit: Organization, earlier: list[_Finding], by_code) -> Category:
        rng = self.rng
        weights = self._category_weights(project, unit)
        allowed = {c.code for c, w in zip(self.categories, weights, strict=True) if w}
        previous = [f.category for f in earlier if f.year < project.year and f.category.code in allowed]
        if previous and rng.random() < 0.06:
            return rng.choice(previous)  # the same problem again (屡审屡犯)
        return rng.choices(self.categories, weights=weights)[0]

    def _cover_categories(self) -> None:
        """Every second-level category appears at least once when there are enough findings."""
        if self.n < len(self.categories) * 2:
            return
        rng = self.rng
        used = Counter(f.category.code for f in self.findings)
        for category in self.categories:
            if used[category.code]:
                continue
            candidates = [
                f
                for f in self.findings
                if used[f.category.code] > 3
                and self._category_weights(f.project, f.unit)[self.categories.index(category)] > 0
            ]
            if not candidates:
                candidates = [f for f in self.findings if used[f.category.code] > 3]
            chosen = rng.choice(candidates)
            used[chosen.category.code] -= 1
            chosen.category = category
            used[category.code] += 1

    def _link_repeats(self) -> None:
        rng = self.rng
        history: dict[tuple[int, int], list[_Finding]] = defaultdict(list)
        for finding in sorted(self.findings, key=lambda f: f.year):
            key = (finding.unit.pk, finding.category.pk)
            earlier = [e for e in history[key] if e.year < finding.year]
            if earlier and rng.random() < 0.3:
                finding.repeats = [max(earlier, key=lambda e: e.year)]
            history[key].append(finding)
        if not any(f.repeats for f in self.findings):
            # Make one: a later finding of a unit repeats that unit's earliest problem.
            by_unit: dict[int, list[_Finding]] = defaultdict(list)
            for finding in self.findings:
                by_unit[finding.unit.pk].append(finding)
            for unit_findings in sorted(by_unit.values(), key=len, reverse=True):
                unit_findings.sort(key=lambda f: f.year)
                first, later = unit_findings[0], [f for f in unit_findings if f.year > unit_findings[0].year]
                if later:
                    later[-1].category = first.category
                    later[-1].repeats = [first]
                    break

    # --- outcomes: the state each finding has reached today -----------------------------------------

    def _outcomes(self) -> None:
        rng = self.rng
        for finding in self.findings:
            project = finding.project
            text = texts.CATEGORY_TEXTS[finding.category.code]
            finding.kind = _weighted(rng, dict(zip(Kind.values, text["k"], strict=True)))
            finding.cents = self._amount(text)
            if project.role == "fieldwork":
                finding.rda = rng.random() < 0.3
                if finding.rda:
                    finding.kind = Kind.IMMEDIATE
                finding.outcome = _Outcome(S.DRAFT)
                continue
            finding.rda = finding.kind == Kind.IMMEDIATE and rng.random() < 0.06
            finding.deadline = self._deadline(finding.kind, project.report_date)
            finding.outcome = self._outcome(finding)
        self._guarantee()
        for finding in self.findings:
            if finding.outcome.state != S.DRAFT:
                self._plan_money(finding)

    def _amount(self, text: dict) -> int:
        rng = self.rng
        if text["a"] is None or rng.random() < text["z"]:
            return 0
        low, high = text["a"]
        wan = math.exp(rng.uniform(math.log(low), math.log(high)))
        if wan < 1:
            return round(wan * 10000) * 100
        return round(wan * 100) * 10000

    def _outcome(self, finding: _Finding) -> _Outcome:
        rng = self.rng
        elapsed = (self.today - finding.project.report_date).days
        if elapsed < 3:
            return _Outcome(S.ISSUED)
        if finding.rda:
            return _Outcome(S.CLOSED) if elapsed > 12 else _Outcome(S.SUBMITTED, pending=True)
        kind = finding.kind
        if kind == Kind.IMMEDIATE:
            steps = [(20, 0.12), (45, 0.4), (120, 0.62), (365, 0.86), (730, 0.92)]
        elif kind == Kind.PHASED:
            steps = [(60, 0.05), (120, 0.3), (365, 0.66), (730, 0.86), (1100, 0.92)]
        else:
            steps = [(365, 0.0), (730, 0.3), (1100, 0.55), (1500, 0.7)]
        p_closed = next((p for limit, p in steps if elapsed < limit), 0.95 if kind != Kind.LONG_TERM else 0.8)
        if finding.project.role == "yellow" and kind == Kind.IMMEDIATE:
            p_closed = 0.1
        if rng.random() < p_closed:
            if kind == Kind.LONG_TERM and elapsed > 200:
                rounds = max(1, min(4, (elapsed - 150) // self.interval))
                return _Outcome(S.CLOSED, via_long_term=True, continued_rounds=rng.randint(1, rounds))
            returns = self._returns(elapsed, closed=True)
            return _Outcome(S.CLOSED, returns=returns)
        # Still open.
        if kind == Kind.LONG_TERM or (kind == Kind.PHASED and elapsed > 120 and rng.random() < 0.15):
            if elapsed > 45 and rng.random() < 0.8:
                rounds = max(0, min(5, (elapsed - 60) // self.interval))
                return _Outcome(S.LONG_TERM, continued_rounds=rounds, reviewed_continued=rng.random() < 0.7)
        issued_share = 0.45 if elapsed < 20 else (0.1 if elapsed < 120 else 0.04)
        draw = rng.random()
        if draw < issued_share:
            return _Outcome(S.ISSUED)
        if draw < issued_share + (1 - issued_share) * 0.35:
            return _Outcome(S.SUBMITTED, returns=self._returns(elapsed), pending=True)
        return _Outcome(S.RECTIFYING, returns=self._returns(elapsed, open_=True))

    def _returns(self, elapsed: int, *, closed: bool = False, open_: bool = False) -> list[str]:
        rng = self.rng
        if elapsed < 40:
            return []
        share = 0.18 if closed else (0.45 if open_ else 0.25)
        if rng.random() >= share:
            return []
        verdicts = {Verdict.PARTLY_RECTIFIED: 70, Verdict.NOT_RECTIFIED: 25, Verdict.FALSE_RECTIFICATION: 5}
        returns = [_weighted(rng, verdicts)]
        if elapsed > 200 and rng.random() < 0.15:
            returns.append(Verdict.PARTLY_RECTIFIED)
        return returns

    def _guarantee(self) -> None:
        """Makes sure the demo shows every state and situation, whatever the seed and the size.

        Each fix takes a finding whose state others share, so no fix undoes another."""
        rng = self.rng
        open_states = (S.ISSUED, S.RECTIFYING, S.LONG_TERM)
        reported = [f for f in self.findings if f.outcome.state != S.DRAFT]
        old = [f for f in reported if (self.today - f.project.report_date).days > 400]
        yellow_window = self.today + datetime.timedelta(days=settings.RECTIFY_WARNING_DAYS)

        def counts() -> Counter:
            return Counter(f.outcome.state for f in reported)

        def convert(pool: list[_Finding], outcome: _Outcome, kind: str | None = None) -> None:
            shared = counts()
            pool = [f for f in pool if shared[f.outcome.state] > 1]
            if not pool:
                return
            chosen = rng.choice(pool)
            chosen.rda = False
            if kind:
                chosen.kind = kind
                chosen.deadline = self._deadline(kind, chosen.project.report_date)
            chosen.outcome = outcome

        # Every state.
        for outcome in (
            _Outcome(S.ISSUED),
            _Outcome(S.RECTIFYING),
            _Outcome(S.SUBMITTED, pending=True),
            _Outcome(S.CLOSED),
        ):
            if not counts()[outcome.state]:
                convert(old or reported, outcome)
        # A long-term item with continued reports.
        if not any(f.outcome.state == S.LONG_TERM and f.outcome.continued_rounds for f in reported):
            convert(old or reported, _Outcome(S.LONG_TERM, continued_rounds=2), Kind.LONG_TERM)
        # Returned once and submitted again; and a few false rectifications.
        closed_old = [f for f in old if f.outcome.state == S.CLOSED and not f.outcome.via_long_term and not f.rda]
        if not any(f.outcome.state == S.CLOSED and f.outcome.returns for f in reported):
            convert(closed_old, _Outcome(S.CLOSED, returns=[Verdict.PARTLY_RECTIFIED]))
        wanted_false = max(2, self.n // 150)
        for _ in range(wanted_false - sum(Verdict.FALSE_RECTIFICATION in f.outcome.returns for f in reported)):
            convert(
                [f for f in closed_old if not f.outcome.returns],
                _Outcome(S.CLOSED, returns=[Verdict.FALSE_RECTIFICATION]),
            )
        # Colours: yellow (an immediate item of the project reported to fall due within the window), red, green.
        if not any(f.outcome.state in open_states and self.today <= f.deadline <= yellow_window for f in reported):
            yellow = [f for f in reported if f.project.role == "yellow"]
            convert(yellow, _Outcome(S.RECTIFYING), Kind.IMMEDIATE)
        if not any(f.outcome.state in open_states and f.deadline < self.today for f in reported):
            late = [f for f in reported if (self.today - f.deadline).days > 20]
            convert(late, _Outcome(S.RECTIFYING, returns=[Verdict.PARTLY_RECTIFIED]))
        if not any(f.outcome.state in open_states and f.deadline > yellow_window for f in reported):
            convert([f for f in reported if f.deadline > yellow_window], _Outcome(S.RECTIFYING))

    def _plan_money(self, finding: _Finding) -> None:
        """The report rounds of a finding's story and the money each claims (cents)."""
        rng = self.rng
        outcome = finding.outcome
        rounds: list[_Round] = []
        for verdict in outcome.returns:
            rounds.append(_Round(verdict))
        if outcome.state == S.LONG_TERM or outcome.via_long_term:
            for number in range(outcome.continued_rounds):
                last = number == outcome.continued_rounds - 1
                reviewed = outcome.reviewed_continued or not last or outcome.via_long_term
                rounds.append(_Round("continued" if not reviewed else Verdict.PARTLY_RECTIFIED, continued=True))
        if outcome.state == S.CLOSED:
            rounds.append(_Round(Verdict.RECTIFIED, final=True))
        elif outcome.pending:
            rounds.append(_Round(None, final=True))
        room = finding.cents
        genuine = 0
        for round_ in rounds:
            round_.genuine_before = genuine
            if round_.verdict == Verdict.RECTIFIED:
                claim = room if rng.random() < 0.88 else int(room * rng.uniform(0.85, 0.99))
            elif round_.verdict is None:
                claim = room if rng.random() < 0.7 else int(room * rng.uniform(0.5, 0.95))
            elif round_.continued:
                claim = int(room * rng.uniform(0.1, 0.3))
            elif round_.verdict == Verdict.PARTLY_RECTIFIED:
                claim = int(room * rng.uniform(0.2, 0.6))
            else:  # not rectified, false rectification: nothing genuine to count
                claim = 0
            round_.claim = claim
            room -= claim
            genuine += claim
        finding.rounds = rounds

    # --- writing ----------------------------------------------------------------------------------------

    def _write_projects(self) -> None:
        rng = self.rng
        history_model = get_history_model_for_model(AuditProject)
        objs = []
        for project in self.projects:
            created = self._work_time(project.started_on - datetime.timedelta(days=rng.randint(3, 15)))
            updated = self._at(project.report_date, 10, 0) if project.report_date else created
            obj = AuditProject(
                jurisdiction=self.district,
                audit_office=self.orgs["audit"],
                year=project.year,
                sequence=project.sequence,
                type=project.type,
                name=project.name,
                audited_official=project.official,
                leader=project.leader,
                started_on=project.started_on,
                report_number=project.report_number,
                report_date=project.report_date,
            )
            self._stamp(obj, created, updated)
            project.obj = obj
            objs.append(obj)
        AuditProject.objects.bulk_create(objs)
        # History: the project as planned (no report yet), then the change the report's issue made.
        rows = []
        for project in self.projects:
            obj = project.obj
            rows.append(
                self._history_row(
                    obj, when=obj.created, user=project.leader, kind="+", report_number="", report_date=None
                )
            )
            if project.report_date:
                rows.append(
                    self._history_row(
                        obj, when=obj.last_updated, user=project.leader, reason=f"出具审计报告 {project.report_number}"
                    )
                )
        self._insert(history_model, rows)
        units = AuditProject.units.through
        team = AuditProject.team.through
        units.objects.bulk_create(
            [units(auditproject_id=p.obj.pk, organization_id=u.pk) for p in self.projects for u in p.units]
        )
        team.objects.bulk_create([team(auditproject_id=p.obj.pk, user_id=u.pk) for p in self.projects for u in p.team])

    @functools.cache  # noqa: B019 - one builder per load
    def _history_model(self, model: type[models.Model]):
        history_model = get_history_model_for_model(model)
        return history_model, [f.attname for f in history_model.tracked_fields]

    def _history_row(self, obj, *, when, user, reason: str = "", kind: str = "~", **overrides) -> dict:
        """One history row of ``obj`` (as column values), the way simple-history would have written it."""
        _model, attnames = self._history_model(type(obj))
        values = {name: getattr(obj, name) for name in attnames}
        values.update(overrides)
        values["last_updated"] = when
        values.update(
            history_date=when,
            history_user_id=user.pk if user else None,
            history_change_reason=reason[:2000],
            history_type=kind,
            request_id=self.request_id,
        )
        return values

    @functools.cache  # noqa: B019 - one builder per load
    def _insert_statement(self, model: type[models.Model]):
        connection = connections[router.db_for_write(model)]
        columns = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in columns),
            ", ".join(["%s"] * len(columns)),
        )
        return connection, columns, sql

    def _insert(self, model: type[models.Model], rows: list[dict]) -> None:
        """Inserts rows that need no ids back (history rows, events): values are adapted by each field,
        as the ORM does, and written with executemany."""
        if not rows:
            return
        connection, columns, sql = self._insert_statement(model)
        defaults = {f.attname: f.get_default() for f in columns if f.has_default()}
        params = []
        for row in rows:
            params.append(
                [
                    f.get_db_prep_save(row[f.attname] if f.attname in row else defaults.get(f.attname), connection)
                    for f in columns
                ]
            )
        with connection.cursor() as cursor:
            for start in range(0, len(params), 5000):
                cursor.executemany(sql, params[start : start + 5000])

    def _write_findings(self) -> None:
        self._evidence_files()
        stories = [self._story(finding) for finding in self.findings]
        finding_objs = [finding.obj for finding in self.findings]
        Finding.objects.bulk_create(finding_objs)
        history_rows = []
        for story in stories:
            history_rows += story.finding_history()
        self._insert(get_history_model_for_model(Finding), history_rows)
        through = Finding.repeats.through
        through.objects.bulk_create(
            [
                through(from_finding_id=f.obj.pk, to_finding_id=earlier.obj.pk)
                for f in self.findings
                for earlier in f.repeats
            ]
        )
        self._create(Requirement, [r for s in stories for r in s.requirements])
        self._create(Plan, [s.plan for s in stories if s.plan])
        self._create(Milestone, [m for s in stories for m in s.milestones])
        self._create(ProgressReport, [r for s in stories for r in s.reports])
        self._create(AdoptedRule, [r for s in stories for r in s.rules])
        self._create(AccountabilityRecord, [r for s in stories for r in s.people])
        self._create(Evidence, [e for s in stories for e in s.evidence])
        self._create(Verification, [v for s in stories for v in s.verifications])
        events = []
        for story in stories:
            finding_id = story.f.obj.pk
            for event in story.events:
                event["finding_id"] = finding_id
                events.append(event)
        self._insert(FindingEvent, events)

    def _create(self, model, objs: list) -> None:
        """Inserts ``objs`` and their creation history rows (each object carries _history_user and
        _history_date, see _stamp): what bulk_create_with_history does, with a leaner insert of the history."""
        model.objects.bulk_create(objs)
        self._insert(
            self._history_model(model)[0],
            [self._history_row(o, when=o._history_date, user=o._history_user, kind="+") for o in objs],
        )

    def _evidence_files(self) -> None:
        """A handful of real files, stored once each under their SHA-256 and shared by many reports."""
        self.evidence_files: dict[str, tuple[evidence_files.SniffedFile, str, str]] = {}
        for key, name, description in texts.EVIDENCE_DOCUMENTS:
            content = files.pdf(
                f"黔江区审计整改佐证材料：{description}",
                ["本文件为审计整改管理系统演示数据，内容均为虚构。", f"材料类型：{description}"],
                [f"Rectify demo evidence ({key})", "Qianjiang District, Chongqing - demo data, fictional content"],
            )
            self._store_evidence(key, name, description, content)
        palette = [
            ((90, 140, 90), (200, 190, 170)),
            ((120, 130, 150), (230, 230, 235)),
            ((110, 150, 80), (150, 110, 70)),
        ]
        for (key, name, description), (colour, accent) in zip(texts.EVIDENCE_PHOTOS, palette, strict=True):
            self._store_evidence(key, name, description, files.png(96, 64, colour, accent))

    def _store_evidence(self, key: str, name: str, description: str, content: bytes) -> None:
        upload = ContentFile(content, name=name)
        sniffed = evidence_files.sniff(upload)
        stored = evidence_files.store(upload, sniffed)
        self.evidence_files[key] = (sniffed, stored, name)

    def _story(self, finding: _Finding) -> _Story:
        return _Story(self, finding)

    # --- summary ----------------------------------------------------------------------------------------

    def _summary(self) -> Summary:
        qs = Finding.objects.filter(project__jurisdiction=self.district)
        by_state = dict(qs.values_list("state").annotate(n=models.Count("pk")).values_list("state", "n"))
        by_colour = dict(
            qs.with_colour(self.today)
            .exclude(colour_code="")
            .values_list("colour_code")
            .annotate(n=models.Count("pk"))
            .values_list("colour_code", "n")
        )
        return Summary(
            organizations=Organization.objects.filter(jurisdiction=self.district).count(),
            users=self.user_count,
            projects=len(self.projects),
            findings=len(self.findings),
            by_state=by_state,
            by_colour=by_colour,
            reports=ProgressReport.objects.filter(finding__project__jurisdiction=self.district).count(),
            verifications=Verification.objects.filter(finding__project__jurisdiction=self.district).count(),
            events=FindingEvent.objects.filter(finding__project__jurisdiction=self.district).count(),
            repeats=sum(1 for f in self.findings if f.repeats),
        )


class _Story:
    """One finding from its registration to today: its rows, events and history, in time order."""

    def __init__(self, builder: _Builder, finding: _Finding):
        self.b = builder
        self.rng = builder.rng
        self.f = finding
        self.project = finding.project
        self.contact = builder.contacts[finding.unit.pk]
        self.requirements: list[Requirement] = []
        self.plan: Plan | None = None
        self.milestones: list[Milestone] = []
        self.reports: list[ProgressReport] = []
        self.rules: list[AdoptedRule] = []
        self.people: list[AccountabilityRecord] = []
        self.evidence: list[Evidence] = []
        self.verifications: list[Verification] = []
        self.events: list[dict] = []  # FindingEvent rows; the finding's id is added once it is saved
        self.changes: list[tuple[datetime.datetime, User, str, str, dict]] = []  # for the finding's history
        self.state = S.DRAFT
        self._compose()
        self._play()

    # --- the finding itself ---------------------------------------------------------------------------

    def _context(self) -> dict[str, str]:
        rng = self.rng
        f = self.f
        words = self.b._words(f.unit)
        part = max(100, int(f.cents * rng.uniform(0.3, 0.7)) // 10000 * 10000) if f.cents else 0
        budget = int(f.cents * rng.uniform(1.5, 5)) // 10000 * 10000 if f.cents else 0
        context = {key: rng.choice(values) for key, values in texts.WORDS.items()}
        context.update({key: rng.choice(values) for key, values in words.items()})
        if self.project.subject:
            context["proj"] = self.project.subject
        if self.project.fund:
            context["fund"] = self.project.fund
        context.update(
            Y=str(f.year),
            Yp=str(f.year - 1),
            short=f.unit.short_name,
            unit=f.unit.name,
            amount=money_text(f.cents),
            part=money_text(part),
            budget=money_text(budget),
            actual=money_text(budget + f.cents),
            n=str(rng.randint(3, 15)),
            k=str(rng.randint(2, 6)),
            m=str(rng.randint(4, 26)),
            pct=str(rng.randint(12, 68)),
            days=str(rng.randint(45, 380)),
            area=str(rng.randrange(200, 4000, 10)),
            mu=f"{rng.uniform(3, 260):.1f}",
        )
        return context

    def _compose(self) -> None:
        rng = self.rng
        f = self.f
        text = texts.CATEGORY_TEXTS[f.category.code]
        self.context = context = self._context()
        money = f.cents > 0
        titles, descriptions = (text["t"], text["d"]) if money else (text["t0"], text["d0"])
        index = rng.randrange(len(descriptions))
        title = (titles[index] if index < len(titles) else rng.choice(titles)).format_map(context)
        description = descriptions[index].format_map(context)
        details = texts.DETAIL_SENTENCES + (texts.MONEY_DETAILS if money else [])
        detail = rng.choice(details).format_map(context) if rng.random() < 0.5 and f.category.code != "1103" else ""
        if f.repeats:
            detail += rng.choice(texts.REPEAT_SENTENCES).format(year=f.repeats[0].year)
        basis = rng.sample(text["b"], k=min(len(text["b"]), rng.randint(1, 2)))
        requirements = [r.format_map(context) for r in text["r"] if money or "{amount}" not in r]
        requirements = rng.sample(requirements, k=min(len(requirements), rng.randint(1, 3)))
        if rng.random() < 0.35:
            requirements.append(rng.choice(texts.GENERAL_REQUIREMENTS))
        if f.category.code == "1103":
            disclosure = rng.choice([Disclosure.CONFIDENTIAL, Disclosure.LIMITED])
        elif f.group == "12" and rng.random() < 0.3:
            disclosure = Disclosure.LIMITED
        else:
            disclosure = _weighted(rng, {Disclosure.PUBLIC: 87, Disclosure.LIMITED: 11, Disclosure.CONFIDENTIAL: 2})
        span = max(1, ((f.project.report_date or self.b.today) - f.project.started_on).days - 2)
        self.created_at = self.b._work_time(f.project.started_on + datetime.timedelta(days=rng.randint(1, span)))
        if f.project.report_date:
            latest = self.b._at(f.project.report_date - datetime.timedelta(days=1), 17, 30)
            self.created_at = min(self.created_at, latest)
        if self.created_at >= self.b.now:
            self.created_at = self.b.now - datetime.timedelta(hours=rng.randint(2, 30))
        self.creator = rng.choice(f.project.team)
        f.obj = Finding(
            project=f.project.obj,
            unit=f.unit,
            ledger_number=(f"{self.b.district.code}-{f.year}-{f.project.sequence:03d}-{f.sequence:03d}"),
            sequence=f.sequence,
            title=title[:200],
            description=(description + detail).strip(),
            category=f.category,
            legal_basis="；".join(basis),
            amount_involved=_cents_to_decimal(f.cents),
            kind=f.kind,
            deadline=f.deadline,
            disclosure=disclosure,
            rectified_during_audit=f.rda,
            involves_fiscal_funds=f.category.involves_fiscal_funds,
            state=S.DRAFT,
            created_by=self.creator,
        )
        self.requirement_texts = requirements
        self.legal_basis = basis

    # --- events -----------------------------------------------------------------------------------------

    def _event(self, when, actor: User, kind: str, *, action: str = "", to: str = "", comment: str = "") -> None:
        self.events.append(
            {
                "kind": kind,
                "action": action,
                "from_state": self.state if kind == EventKind.TRANSITION else "",
                "to_state": to,
                "actor_id": actor.pk,
                "actor_name": actor.display_name[:50],
                "at": when,
                "comment": comment,
                "request_id": self.b.request_id,
            }
        )
        self.last_at = when

    def _transition(self, when, actor: User, name: str, target: str, comment: str = "") -> None:
        self._event(when, actor, EventKind.TRANSITION, action=name, to=target, comment=comment)
        self.state = target
        extra = {}
        if target == S.ISSUED:
            extra = {"issued_at": when, "deadline": self.f.deadline}
        if target == S.CLOSED:
            extra = {"closed_at": when}
        self.changes.append((when, actor, f"{name}: {comment}", target, extra))

    # --- the story --------------------------------------------------------------------------------------

    def _play(self) -> None:
        b = self.b
        f = self.f
        obj = f.obj
        for number, text in enumerate(self.requirement_texts, start=1):
            requirement = Requirement(finding=obj, number=number, text=text)
            requirement._history_user = self.creator
            b._stamp(requirement, self.created_at)
            self.requirements.append(requirement)
        self._event(self.created_at, self.creator, EventKind.CREATED, to=S.DRAFT)
        outcome = f.outcome
        if outcome.state == S.DRAFT:
            return self._finish()
        project = self.project
        issue_at = b._at(project.report_date, 10, 0) + datetime.timedelta(minutes=self.rng.randint(0, 90))
        issue_at = min(issue_at, b.now - datetime.timedelta(minutes=30))
        self._transition(issue_at, project.leader, "issue", S.ISSUED, project.report_number)
        obj.issued_at = issue_at
        if outcome.state == S.ISSUED:
            return self._finish()
        steps = self._steps()
        times = b._place(issue_at, [gap for _name, gap in steps])
        for (name, _gap), when in zip(steps, times, strict=True):
            getattr(self, f"_do_{name}")(when)
        self._finish()

    def _steps(self) -> list[tuple[str, float]]:
        """The actions after issue, each with its gap in days from the one before."""
        rng = self.rng
        f = self.f
        outcome = f.outcome
        steps: list[tuple[str, float]] = [("plan", rng.uniform(1, 3) if f.rda else rng.uniform(3, 15))]
        self.round_queue = list(f.rounds)
        rounds = iter(f.rounds)
        first_gap = {Kind.IMMEDIATE: (8, 30), Kind.PHASED: (35, 95), Kind.LONG_TERM: (60, 150)}[f.kind]
        if f.rda:
            first_gap = (1, 4)
        late = rng.random() < 0.15
        gap = rng.uniform(*first_gap) + (rng.uniform(5, 60) if late else 0)
        for _verdict in outcome.returns:
            next(rounds)
            steps += [("report", gap), ("verify", rng.uniform(4, 25))]
            gap = rng.uniform(12, 45)
        if outcome.state == S.LONG_TERM or outcome.via_long_term:
            steps.append(("to_long_term", rng.uniform(10, 40)))
            gap = self.b.interval + rng.uniform(-20, 20)
            for _ in range(outcome.continued_rounds):
                round_ = next(rounds)
                steps.append(("report", gap))
                if round_.verdict != "continued":
                    steps.append(("verify", rng.uniform(5, 20)))
                    gap = self.b.interval + rng.uniform(-30, 5)
                else:
                    gap = self.b.interval
            if outcome.via_long_term:
                steps.append(("resume", rng.uniform(10, 40)))
                gap = rng.uniform(5, 20)
        if outcome.state == S.CLOSED:
            next(rounds)
            steps += [("report", gap), ("verify", rng.uniform(2, 8) if f.rda else rng.uniform(4, 25))]
        elif outcome.pending:
            next(rounds)
            steps.append(("report", gap))
        return steps

    def _do_plan(self, when) -> None:
        rng = self.rng
        b = self.b
        f = self.f
        # The plan answers the requirements item by item (逐条逐项), then says how it is organised.
        measures = self._numbered([*self.requirement_texts, rng.choice(texts.UNIVERSAL_MEASURES)])
        report_date = self.project.report_date
        planned = f.deadline if f.kind != Kind.LONG_TERM else f.deadline + datetime.timedelta(days=rng.randint(0, 365))
        planned = max(planned, when.date() + datetime.timedelta(days=7))
        form = b.legal_form[f.unit.pk]
        plan = Plan(
            finding=f.obj,
            measures=measures,
            responsible_department=rng.choice(D.INNER_DEPARTMENTS[form]),
            responsible_person=b._name(),
            first_responsible=f.unit.head_name,
            planned_completion=planned,
            submitted_by=self.contact,
            submitted_at=when,
        )
        plan._history_user = self.contact
        b._stamp(plan, when)
        self.plan = plan
        titles = texts.MILESTONES[f.kind]
        count = {Kind.IMMEDIATE: rng.randint(1, 2), Kind.PHASED: rng.randint(2, 3)}.get(f.kind, rng.randint(3, 4))
        titles = titles[:1] + titles[len(titles) - count + 1 :] if count > 1 else titles[-1:]
        start = max(report_date, when.date())
        span = max(7, (planned - start).days)
        for number, title in enumerate(titles, start=1):
            due = start + datetime.timedelta(days=round(span * number / len(titles)))
            milestone = Milestone(plan=plan, number=number, title=title, due_date=due)
            milestone._history_user = self.contact
            b._stamp(milestone, when)
            self.milestones.append(milestone)
        self._event(when, self.contact, EventKind.PLAN, action="submit_plan", comment=measures[:500])
        if self.state == S.ISSUED:
            self._transition(
                when + datetime.timedelta(seconds=1), self.contact, "start", S.RECTIFYING, "已制定整改方案"
            )

    @staticmethod
    def _numbered(items: list[str]) -> str:
        ordinals = "一二三四五六"
        return "；".join(f"{ordinals[i]}是{item}" for i, item in enumerate(items)) + "。"

    def _do_report(self, when) -> None:
        rng = self.rng
        b = self.b
        f = self.f
        round_ = self.round_queue.pop(0)
        self.current_round = round_
        number = len(self.reports) + 1
        group = texts.GROUP_TEXTS[f.group]
        context = dict(self.context, part=money_text(round_.claim), pct=str(rng.randint(30, 80)))
        methods = texts.CATEGORY_TEXTS[f.category.code]["m"]
        amounts = self._split(round_.claim, methods)
        how = texts.HOW[methods[0]] if methods else ""
        finished = round_.verdict == Verdict.RECTIFIED or (round_.verdict is None and not round_.continued)
        if round_.continued:
            progress = self._pick(texts.PROGRESS_CONTINUED, round_.claim)
        elif round_.verdict == Verdict.FALSE_RECTIFICATION:
            progress = rng.choice(texts.PROGRESS_FALSE)
        elif round_.verdict == Verdict.NOT_RECTIFIED:
            progress = "已制定整改方案，正在组织实施。"
        elif round_.verdict == Verdict.PARTLY_RECTIFIED:
            progress = self._pick(texts.PROGRESS_PARTIAL, round_.claim)
        elif f.cents:
            progress = rng.choice(texts.PROGRESS_DONE)
        else:
            progress = rng.choice(texts.PROGRESS_DONE_NO_MONEY)
        progress = progress.format_map(dict(context, how=how))
        unfinished = not finished and round_.verdict != Verdict.FALSE_RECTIFICATION
        kind = ReportKind.CONTINUED if round_.continued else ReportKind.PROGRESS
        if finished and rng.random() < 0.3:
            kind = ReportKind.SELF_INSPECTION
        report = ProgressReport(
            finding=f.obj,
            round=number,
            kind=kind,
            measures=self._numbered(
                [rng.choice(texts.UNIVERSAL_MEASURES), *rng.sample(group["measures"], k=rng.randint(1, 2))]
            ),
            progress=progress,
            unfinished_reason=rng.choice(texts.UNFINISHED_REASONS) if unfinished else "",
            next_steps=rng.choice(texts.NEXT_STEPS) if unfinished else "",
            next_steps_due=when.date() + datetime.timedelta(days=rng.randint(30, 120)) if unfinished else None,
            submitted_by=self.contact,
            submitted_at=when,
            **{name: _cents_to_decimal(cents) for name, cents in amounts.items()},
        )
        report._history_user = self.contact
        b._stamp(report, when)
        self.reports.append(report)
        issued = self.project.report_date
        if (finished or round_.continued) and rng.random() < (0.85 if f.group == "08" else 0.4 if finished else 0.2):
            for title in rng.sample(group["rules"], k=rng.randint(1, 2)):
                adopted = max(issued, when.date() - datetime.timedelta(days=rng.randint(1, 20)))
                rule = AdoptedRule(
                    report=report,
                    title=f"《{f.unit.short_name}{title}》",
                    document_number=f"{b.abbr[b.org_key[f.unit.pk]]}发〔{adopted.year}〕{rng.randint(3, 160)}号",
                    adopted_on=adopted,
                )
                rule._history_user = self.contact
                b._stamp(rule, when)
                self.rules.append(rule)
        after_false = any(r.verdict == Verdict.FALSE_RECTIFICATION for r in f.rounds[: number - 1])
        if finished and (after_false or (f.category.code in _ACCOUNTABLE_CATEGORIES and rng.random() < 0.35)):
            for _ in range(rng.randint(1, 3)):
                person = AccountabilityRecord(
                    report=report,
                    person_name=b._name(),
                    position=rng.choice(texts.ACCOUNTABLE_POSITIONS),
                    outcome=_weighted(rng, _OUTCOME_WEIGHTS),
                )
                person._history_user = self.contact
                b._stamp(person, when)
                self.people.append(person)
        self._attach_evidence(report, when, finished, amounts)
        self._event(
            when,
            self.contact,
            EventKind.REPORT,
            action="submit_report",
            comment=f"第 {number} 轮：{progress[:300]}",
        )
        if self.state != S.LONG_TERM:
            self._transition(
                when + datetime.timedelta(seconds=1), self.contact, "submit", S.SUBMITTED, f"第 {number} 轮报送"
            )

    def _pick(self, templates: list[str], claim: int) -> str:
        """A template; those that name this round's amount ({part}) only when money was rectified."""
        return self.rng.choice([t for t in templates if claim or "{part}" not in t])

    def _split(self, cents: int, methods: list[str]) -> dict[str, int]:
        if not cents or not methods:
            return {}
        if len(methods) == 1 or self.rng.random() < 0.6:
            return {methods[0]: cents}
        first = int(cents * self.rng.uniform(0.6, 0.9))
        return {methods[0]: first, methods[1]: cents - first}

    def _attach_evidence(self, report: ProgressReport, when, finished: bool, amounts: dict[str, int]) -> None:
        rng = self.rng
        keys = ["report"]
        if amounts:
            keys.append("receipt" if {"amount_to_treasury", "amount_returned_to_source"} & set(amounts) else "voucher")
        if finished and rng.random() < 0.5:
            keys.append(rng.choice(["minutes", "rules", "contract", "photo1", "photo2"]))
        if self.f.group == "10":
            keys.append("photo3")
        elif rng.random() < 0.12:
            keys.append(rng.choice(["photo1", "photo2"]))
        for key in dict.fromkeys(keys):
            sniffed, stored, name = self.b.evidence_files[key]
            row = Evidence(
                report=report,
                file=stored,
                original_name=name,
                sha256=sniffed.sha256,
                size=sniffed.size,
                content_type=sniffed.content_type,
                description=f"第{report.round}轮佐证材料",
                uploaded_by=self.contact,
            )
            row._history_user = self.contact
            self.b._stamp(row, when)
            self.evidence.append(row)

    def _verifier(self) -> User:
        # The verifier is an auditor of the project's team who did not submit the report (unit users do).
        team = [u for u in self.project.team if u.pk != self.reports[-1].submitted_by_id]
        return self.rng.choice(team)

    def _do_verify(self, when) -> None:
        rng = self.rng
        round_ = self.current_round
        report = self.reports[-1]
        verifier = self._verifier()
        verdict = round_.verdict
        if round_.continued:
            reasons = rng.choice(texts.CONTINUED_REVIEW)
        else:
            key = "rectified_no_money" if verdict == Verdict.RECTIFIED and not self.f.cents else verdict
            left = rng.choice(texts.LEFT_UNDONE if self.f.cents else texts.LEFT_UNDONE_NO_MONEY)
            reasons = rng.choice(texts.VERDICT_REASONS[key]).format(left=left)
        genuine = round_.genuine_before
        if verdict in (Verdict.RECTIFIED, Verdict.PARTLY_RECTIFIED):
            genuine += round_.claim
        rectified = verdict == Verdict.RECTIFIED
        verification = Verification(
            finding=self.f.obj,
            report=report,
            verdict=verdict,
            verified_amount=_cents_to_decimal(genuine),
            complete=rectified,
            compliant=rectified or verdict == Verdict.PARTLY_RECTIFIED,
            reasons=reasons,
            verifier=verifier,
            verified_at=when,
        )
        verification._history_user = verifier
        self.b._stamp(verification, when)
        self.verifications.append(verification)
        label = Verdict(verdict).label
        self._event(when, verifier, EventKind.VERIFICATION, action="verify", comment=f"{label}：{reasons[:300]}")
        later = when + datetime.timedelta(seconds=1)
        if self.state == S.SUBMITTED:
            if rectified:
                self._transition(later, verifier, "close", S.CLOSED, reasons)
                self.f.obj.closed_at = later
            else:
                self._transition(later, verifier, "return", S.RECTIFYING, reasons)

    def _do_to_long_term(self, when) -> None:
        actor = self.project.leader
        self._transition(when, actor, "to_long_term", S.LONG_TERM, self.rng.choice(texts.ROAD_MAPS))

    def _do_resume(self, when) -> None:
        self._transition(when, self.contact, "resume", S.RECTIFYING, "持续整改事项已基本完成，恢复整改并报送销号")

    def _finish(self) -> None:
        obj = self.f.obj
        obj.state = self.state
        # Milestones done: all of them by close-out, else those due and (mostly) met.
        end = obj.closed_at.date() if obj.closed_at else timezone.localtime(self.last_at, self.b.tz).date()
        for milestone in self.milestones:
            start = self.plan.submitted_at.date()
            if obj.closed_at or (milestone.due_date <= end and self.rng.random() < 0.6):
                done = min(milestone.due_date, end) - datetime.timedelta(days=self.rng.randint(0, 5))
                milestone.completed_on = max(start, done)
        self.b._stamp(obj, self.created_at, self.last_at)
        if self.f.outcome.state != self.state:
            raise AssertionError(f"{obj.ledger_number}: story ended in {self.state}, planned {self.f.outcome.state}")

    def finding_history(self) -> list:
        """The finding's history rows: as registered (a draft), then one row per change of state."""
        b = self.b
        obj = self.f.obj
        rows = [
            b._history_row(
                obj,
                when=self.created_at,
                user=self.creator,
                kind="+",
                state=S.DRAFT,
                issued_at=None,
                closed_at=None,
                deadline=None,
            )
        ]
        values = {"issued_at": None, "closed_at": None, "deadline": None}
        for when, actor, reason, state, extra in self.changes:
            values.update(extra)
            rows.append(b._history_row(obj, when=when, user=actor, reason=reason, state=state, **values))
        return rows
