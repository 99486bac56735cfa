"""Test data for every app: a small two-district world with one user per role.

Tests build findings through the real services (create_finding, submit_report, verify …), so the
tested path is the one users take.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import Role, User
from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.findings.models import Category, Finding
from rectify.organizations.choices import JurisdictionLevel, OrganizationKind
from rectify.organizations.models import Jurisdiction, Organization, Sector

PASSWORD = "Test-pass-2026"


def fuzz_examples(full: int) -> int:
    """How many examples a fuzz test of the database's paths (Hypothesis, Schemathesis) draws: ``full``, or
    the share of it that RECTIFY_FUZZ_SHARE asks for (0 < share <= 1, at least one example). CI runs the
    suite twice: the first run (SQLite) draws the full number, the second (PostgreSQL) half (.ci/run)."""
    share = float(os.environ.get("RECTIFY_FUZZ_SHARE") or 1)
    if not 0 < share <= 1:
        raise ValueError(f"RECTIFY_FUZZ_SHARE must be in (0, 1], not {share}")
    return max(1, round(full * share))


# The three administrators of the test world (三员): they open no business page or endpoint.
ADMINISTRATORS = frozenset({"sysadmin", "secadmin", "logaudit"})
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    name = factory.Sequence(lambda n: f"测试区{n}")
    code = factory.Sequence(lambda n: f"T{n}")
    level = JurisdictionLevel.DISTRICT


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    kind = OrganizationKind.AUDITED_UNIT
    head_name = "张三"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role_list(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(Role.objects.filter(code__in=extracted))
        if create:
            self.save()


def api_token(user: User) -> str:
    """A fresh API token of ``user`` (the secret, for ``Authorization: Token …``), as a sign-in would issue."""
    from rectify.accounts.tokens import issue

    return issue(user)[1]


def make_user(username: str, organization: Organization, *roles: str, **extra) -> User:
    return UserFactory(username=username, organization=organization, role_list=list(roles), **extra)


@dataclass
class World:
    """Two districts under one city; in district A, an audit office and units in a small tree."""

    city: Jurisdiction
    district_a: Jurisdiction
    district_b: Jurisdiction
    office_a: Organization
    office_b: Organization
    city_office: Organization
    dept: Organization
    unit: Organization
    sibling_unit: Organization
    other_unit: Organization
    unit_b: Organization
    orgdept: Organization
    finance: Organization
    discipline: Organization
    committee: Organization
    government: Organization
    congress: Organization
    users: dict[str, User] = field(default_factory=dict)
    category: Category | None = None
    fiscal_category: Category | None = None
    project: AuditProject | None = None
    project_b: AuditProject | None = None
    cadre_project: AuditProject | None = None

    def __getitem__(self, name: str) -> User:
        return self.users[name]

    def fresh(self) -> World:
        """The same world read again from the database, in new instances (one query per model).

        The world is built once per test module; each test gets its own instances, so that nothing an
        earlier test cached on one (a user's scopes, a prefetch, a changed field) reaches the next.
        """
        wanted: dict[type[Model], set[int]] = defaultdict(set)
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Model):
                wanted[type(value)].add(value.pk)
        for user in self.users.values():
            wanted[type(user)].add(user.pk)
        loaded = {model: model._base_manager.in_bulk(pks) for model, pks in wanted.items()}

        def again(value):
            return loaded[type(value)][value.pk] if isinstance(value, Model) else value

        fields = {
            item.name: again(getattr(self, item.name)) for item in dataclasses.fields(self) if item.name != "users"
        }
        return World(**fields, users={name: again(user) for name, user in self.users.items()})


def build_world() -> World:
    # Transactional tests (the browser's) flush the database, seeded rows included.
    from rectify.accounts.reference import ensure_roles
    from rectify.findings.reference import ensure_reference_data

    ensure_roles()
    ensure_reference_data()
    city = JurisdictionFactory(name="测试市", code="CS", level=JurisdictionLevel.CITY)
    district_a = JurisdictionFactory(name="甲区", code="JA", parent=city)
    district_b = JurisdictionFactory(name="乙区", code="YB", parent=city)
    sector = Sector.objects.create(name="教育", code="EDU")

    def org(name, kind, jurisdiction=district_a, **extra):
        return OrganizationFactory(name=name, kind=kind, jurisdiction=jurisdiction, **extra)

    K = OrganizationKind
    office_a = org("甲区审计局", K.AUDIT_OFFICE)
    office_b = org("乙区审计局", K.AUDIT_OFFICE, district_b)
    city_office = org("测试市审计局", K.AUDIT_OFFICE, city)
    dept = org("甲区教育委员会", K.COMPETENT_DEPARTMENT, sector=sector)
    unit = org("甲区第一中学", K.AUDITED_UNIT, competent_department=dept, sector=sector)
    sibling_unit = org("甲区第二中学", K.AUDITED_UNIT, competent_department=dept, sector=sector)
    other_unit = org("甲区交通局", K.AUDITED_UNIT)
    unit_b = org("乙区卫生健康委员会", K.AUDITED_UNIT, district_b)
    world = World(
        city=city, district_a=district_a, district_b=district_b, office_a=office_a, office_b=office_b,
        city_office=city_office, dept=dept, unit=unit, sibling_unit=sibling_unit, other_unit=other_unit,
        unit_b=unit_b, orgdept=org("甲区委组织部", K.ORGANIZATION_DEPARTMENT),
        finance=org("甲区财政局", K.FINANCE_BUREAU), discipline=org("甲区纪委监委", K.DISCIPLINE_COMMISSION),
        committee=org("甲区委审计委员会办公室", K.COMMITTEE_OFFICE), government=org("甲区人民政府", K.GOVERNMENT),
        congress=org("甲区人大常委会", K.PEOPLES_CONGRESS),
    )  # fmt: skip
    R = RoleCode
    for username, organization, roles in [
        ("auditor", office_a, [R.AUDITOR]),
        ("auditor2", office_a, [R.AUDITOR]),
        ("auditlead", office_a, [R.AUDIT_LEADER]),
        ("auditor_b", office_b, [R.AUDITOR]),
        ("city_auditor", city_office, [R.AUDITOR]),
        ("unit", unit, [R.UNIT_CONTACT]),
        ("unithead", unit, [R.UNIT_HEAD]),
        ("sibling", sibling_unit, [R.UNIT_CONTACT]),
        ("other", other_unit, [R.UNIT_CONTACT]),
        ("unit_b", unit_b, [R.UNIT_CONTACT]),
        ("dept", dept, [R.DEPT_SUPERVISOR]),
        ("orgdept", world.orgdept, [R.ORG_OFFICER]),
        ("finance", world.finance, [R.FINANCE_OFFICER]),
        ("discipline", world.discipline, [R.DISCIPLINE_OFFICER]),
        ("committee", world.committee, [R.COMMITTEE_OFFICER]),
        ("committee2", world.committee, [R.COMMITTEE_OFFICER]),  # approves what "committee" drafts (four eyes)
        ("gov", world.government, [R.GOVERNMENT_OFFICER]),
        ("congress", world.congress, [R.CONGRESS_OFFICER]),
        ("sysadmin", office_a, [R.SYSTEM_ADMIN]),
        ("secadmin", office_a, [R.SECURITY_ADMIN]),
        ("logaudit", office_a, [R.LOG_AUDITOR]),
    ]:
        world.users[username] = make_user(username, organization, *roles)
    world.category = Category.objects.get(code="0601")  # not fiscal
    world.fiscal_category = Category.objects.get(code="0203")  # 挤占挪用财政资金
    world.project = make_project(world, office_a, [unit, sibling_unit, other_unit], AuditType.BUDGET_EXECUTION)
    world.project_b = make_project(world, office_b, [unit_b], AuditType.BUDGET_EXECUTION)
    world.cadre_project = make_project(world, office_a, [unit], AuditType.ECONOMIC_RESPONSIBILITY)
    return world


def make_project(world: World, office: Organization, units, audit_type: str, year: int = 2025, **extra):
    sequence = AuditProject.objects.filter(jurisdiction=office.jurisdiction, year=year).count() + 1
    project = AuditProject.objects.create(
        jurisdiction=office.jurisdiction,
        audit_office=office,
        year=year,
        sequence=sequence,
        type=audit_type,
        name=f"{year}年度{office.jurisdiction.name}审计项目{sequence}",
        started_on=datetime.date(year, 3, 1),
        **extra,
    )
    project.units.set(units)
    return project


def finding_data(world: World, **overrides) -> dict:
    data = {
        "project": world.project,
        "unit": world.unit,
        "title": "往来款长期挂账未清理",
        "description": "截至2024年末，该单位其他应收款中有3笔共计12.5万元挂账超过三年未清理。",
        "category": world.category,
        "requirements": ["清理长期挂账的往来款项", "建立往来款定期清理制度"],
        "amount_involved": Decimal("125000.00"),
        "deadline": datetime.date(2025, 9, 30),
    }
    data.update(overrides)
    return data


def upload(name: str = "凭证.png", content: bytes = PNG_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def make_finding(world: World, state: str = "draft", actor: User | None = None, **overrides) -> Finding:
    """A finding brought to ``state`` through the real actions."""
    from rectify.findings import services as findings
    from rectify.rectification import services as rectification

    auditor = actor or world["auditor"]
    unit_user = world.users["unit"] if overrides.get("unit", world.unit) == world.unit else None
    # A factory records history: the tests' findings are set in 2025, their deadlines long past.
    finding = findings.create_finding(auditor, allow_past_deadline=True, **finding_data(world, **overrides))
    if state == "draft":
        return finding
    findings.issue_finding(auditor, finding)
    if state == "issued":
        return finding
    unit_user = unit_user or _contact_of(world, finding.unit)
    findings.start_rectification(unit_user, finding)
    if state == "rectifying":
        return finding
    if state == "long_term":
        return findings.move_to_long_term(auditor, finding, comment="涉及历史遗留问题，需分年度推进")
    report = rectification.submit_report(
        unit_user,
        finding,
        measures="已清理挂账款项",
        progress="全部完成",
        amounts={"amount_adjusted_in_accounts": "125000.00"},
        evidence=[upload()],
    )
    finding.refresh_from_db()
    if state == "submitted":
        return finding
    if state == "closed":
        rectification.verify(auditor, report, verdict="rectified", reasons="核实无误", verified_amount="125000.00")
        finding.refresh_from_db()
        return finding
    raise ValueError(state)


def _contact_of(world: World, unit: Organization) -> User:
    for user in world.users.values():
        if user.organization_id == unit.pk and user.has_role(RoleCode.UNIT_CONTACT):
            return user
    raise LookupError(unit)
