"""The district's organizations (with well-formed credit codes) and the demo accounts with their roles."""

from __future__ import annotations

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import models
from simple_history.utils import bulk_create_with_history

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import Role, User
from rectify.demo import district as D
from rectify.demo import texts
from rectify.demo.base import (
    DemoError,
)
from rectify.findings.models import Category
from rectify.organizations.choices import JurisdictionLevel, OrganizationKind
from rectify.organizations.models import Jurisdiction, Organization, Sector


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


class OrganizationsPart:
    """The jurisdictions, sectors, organizations and users of the district."""

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
            # The department's head: approves its sector summary report (rectify.summaries).
            ("depthead", dept, [R.UNIT_HEAD], dept.head_name, dept.head_title),
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
        specs += [
            # Sharing and internal audit (source 三(五), 四(三)): fixed names, so the district stays the same.
            ("inspector", o["inspect"], [R.SUPERVISOR_OFFICER], "石明远", "巡察组副组长"),
            ("internal", demo_unit, [R.INTERNAL_AUDITOR], "冉静怡", "内审科科长"),
            # A second officer of the committee office: approves the circulars "committee" drafts (four eyes).
            ("committee2", o["committee"], [R.COMMITTEE_OFFICER], "向文华", "区委审计办秘书科科长"),
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
                    # depthead (added with the summary reports) draws nothing, so the district stays the same.
                    phone=(
                        org.phone
                        if username in ("depthead", "inspector", "internal", "committee2")
                        else f"1{self.rng.choice('35789')}{self.rng.randint(100000000, 999999999)}"
                    ),
                    is_staff=username in ("sysadmin", "secadmin"),
                    is_demo=True,
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
