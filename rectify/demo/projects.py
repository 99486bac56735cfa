"""The audit projects of the five audit years: which types, of which units, when, by which team."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from simple_history.utils import get_history_model_for_model

from rectify.audits.models import AuditProject
from rectify.demo import district as D
from rectify.demo.base import (
    T,
    weighted,
)
from rectify.demo.records import ProjectPlan
from rectify.findings.choices import Kind
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization

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


class ProjectsPart:
    """Chooses, schedules and writes the audit projects."""

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
                audit_type = missing.pop() if missing and role != "fieldwork" else weighted(rng, _TYPE_WEIGHTS)
            filled.append((year, audit_type, role))
        if missing:  # only fieldwork slots were left: let them take the remaining types
            for i, (year, _audit_type, role) in enumerate(filled):
                if role == "fieldwork" and missing:
                    filled[i] = (year, missing.pop(), role)
        self.projects = [self._project(year, audit_type, role) for year, audit_type, role in filled]
        self._schedule()

    def _project(self, year: int, audit_type: str, role: str) -> ProjectPlan:
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
                return ProjectPlan(year, audit_type, name, units, [(u, 2) for u in units], role, size=size * 1.6)
            unit = rng.choice(self._of_kind(OrganizationKind.COMPETENT_DEPARTMENT) + self._towns() + [o["fgw"]])
            if unit.sector and unit.sector.code == "TOWN":
                name = f"{unit.short_name}{year}年度财政财务收支审计"
            else:
                name = f"{unit.short_name}{year}年度部门预算执行情况审计"
            subs = self._subordinates(unit)
            finding_units = [(unit, 3)] + [(s, 1) for s in subs]
            units = [unit, *rng.sample(subs, k=min(len(subs), rng.randint(0, 2)))]
            return ProjectPlan(year, audit_type, name, units, finding_units, role, size=size)
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
            return ProjectPlan(year, audit_type, name, units, [(u, 2) for u in units], role, fund=fund, size=size)
        if audit_type == T.INVESTMENT:
            unit = o[rng.choice(_BUILDERS)]
            subject = rng.choice(self._words(unit)["proj"])
            suffix = rng.choice(["竣工决算审计", "跟踪审计", "竣工决算审计"])
            return ProjectPlan(
                year, audit_type, f"{subject}{suffix}", [unit], [(unit, 1)], role, subject=subject, size=size
            )
        if audit_type == T.STATE_ENTERPRISE:
            unit = rng.choice(self._subordinates(o["soe"]))
            name = f"{unit.short_name}{year}年度{rng.choice(['资产负债损益审计', '财务收支审计'])}"
            return ProjectPlan(year, audit_type, name, [unit], [(unit, 1)], role, size=size)
        if audit_type == T.POLICY_FOLLOW_UP:
            topic, keys = rng.choice(_POLICY_TOPICS)
            units = [o[k] for k in rng.sample(keys, k=rng.randint(2, 3))]
            name = f"{year}年度{topic}政策措施落实情况跟踪审计"
            return ProjectPlan(year, audit_type, name, units, [(u, 1) for u in units], role, size=size)
        # Internal audit: a unit's own internal audit findings, tracked the same way.
        unit = rng.choice(self._audited())
        name = f"{unit.short_name}{year}年度内部审计发现问题整改跟踪"
        return ProjectPlan(year, audit_type, name, [unit], [(unit, 1)], role, size=size)

    def _demo_unit_project(self, year: int, audit_type: str, role: str, size: float) -> ProjectPlan:
        o = self.orgs
        demo = o[D.DEMO_UNIT]
        dept = demo.competent_department
        if audit_type == T.ECONOMIC_RESPONSIBILITY:
            project = self._cadre_project(year, audit_type, role, demo, size)
        elif audit_type == T.INVESTMENT:
            subject = self._words(demo)["proj"][0]
            project = ProjectPlan(
                year, audit_type, f"{subject}竣工决算审计", [demo], [(demo, 1)], role, subject=subject
            )
        elif audit_type == T.INTERNAL_AUDIT:
            name = f"{demo.short_name}{year}年度内部审计发现问题整改跟踪"
            project = ProjectPlan(year, audit_type, name, [demo], [(demo, 1)], role)
        elif audit_type == T.SPECIAL_FUND:
            fund = self._words(demo)["fund"][0]
            units = [dept, demo, o["health_zy"]]
            project = ProjectPlan(
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
            project = ProjectPlan(year, audit_type, name, units, finding_units, role)
        project.size = size * 1.5
        return project

    def _cadre_project(self, year: int, audit_type: str, role: str, unit: Organization, size: float) -> ProjectPlan:
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
        return ProjectPlan(year, audit_type, name, [unit], [(unit, 1)], role, official=official, size=size)

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
        by_year: dict[int, list[ProjectPlan]] = defaultdict(list)
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
