"""What a role without ledger work of its own lands on (落地页), until its own mechanism exists.

The discipline commission, the committee office, the government, the congress and the organization
department each get a word on what they may use now and the overview their scope allows: where the
overdue and repeat findings (屡审屡犯) lie, by unit and by problem category. Those who see ledger rows
get each count as a link to the ledger filtered to it; figure-only roles get the counts alone. The
three administrators get their own page, without business data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import ADMIN_ROLES, RoleCode
from rectify.findings.choices import Colour
from rectify.findings.models import Finding
from rectify.findings.scopes import SUMMARY_ROLES
from rectify.findings.warning import colour_q
from rectify.ledger.figures import top_named
from rectify.tallies.figures import TallyScope
from rectify.tallies.figures import rows as tally_rows

if TYPE_CHECKING:
    from rectify.accounts.models import User

# Roles whose workbench shows the overview of overdue and repeat findings.
OVERVIEW_ROLES = SUMMARY_ROLES | {RoleCode.ORG_OFFICER, RoleCode.DISCIPLINE_OFFICER}

# What each role may do here now, and what comes with its own mechanism.
GUIDES = {
    RoleCode.COMMITTEE_OFFICER: _(
        "审计委员会办公室在此督办审计委员会会议议定事项和领导批示：登记事项、交办承办单位并明确期限，"
        "审核承办单位的进展和办结申请（逾期事项列在最前）；起草、审核并印发通报（可下载 Word 公文）。"
        "审计机关报送的整改情况报告、本辖区整改总体情况以及逾期和屡审屡犯问题的分布也在此查看。"
    ),
    RoleCode.GOVERNMENT_OFFICER: _(
        "人民政府可在此查看审计机关报送的整改情况报告、审批向人大常委会的年度整改情况报告，"
        "并查看本辖区整改总体情况，以及逾期和屡审屡犯问题按单位、按类别的分布。"
    ),
    RoleCode.CONGRESS_OFFICER: _(
        "人大常委会在此登记对审计工作报告、审计整改情况报告的审议意见以及专题询问、质询，"
        "向各部门提出询问并明确答复期限，查看各部门的答复（逾期未答复的列在最前），全部答复后办结；"
        "区人民政府报送的整改情况报告、本辖区整改总体情况以及逾期和屡审屡犯问题的分布也在此查看。"
    ),
    RoleCode.ORG_OFFICER: _(
        "组织部门可查看经济责任审计和自然资源资产离任（任中）审计查出的问题，点击下方数字进入整改台账；"
        "这些问题的整改报告报送后同时送达组织部门（见下方列表和通知）；审计机关提请组织部门追责的事项列在下方，请签收并反馈处理结果。"
    ),
    RoleCode.DISCIPLINE_OFFICER: _(
        "纪委监委可查看审计机关提请追责（移送）本机关的事项及其所引用的问题（含办理记录、整改报告和佐证材料），"
        "不能查看其他整改数据。待签收、待反馈的移送事项列在下方；签收后请在反馈期限前反馈处理结果（处理人员及处理方式）。"
    ),
    RoleCode.SUPERVISOR_OFFICER: _(
        "监督协作单位可在「监督协作」中申请订阅被审计单位、行业领域或问题类别；经审计机关同意后，"
        "可在整改台账中只读查阅所订阅的问题及其整改情况，按订阅周期收到变化摘要，并可导出单位的巡察资料包。"
    ),
    RoleCode.INTERNAL_AUDITOR: _(
        "内审人员可在「审计项目」中建立本单位的内部审计项目，登记、下达内部审计发现的问题，"
        "核实本单位报送的整改情况并销号；审计机关可查阅这些问题及其整改情况。"
    ),
    RoleCode.SYSTEM_ADMIN: _(
        "系统管理员负责维护机构、用户账号（新建、设置所属单位、停用）、问题类别等基础数据，"
        "并可批准其他管理员提出的密码重置申请；不授予角色，不直接设置密码，不查看整改业务数据。"
    ),
    RoleCode.SECURITY_ADMIN: _(
        "安全管理员负责授予和收回业务角色、解除登录锁定、提出密码重置申请（须另一名管理员批准）；"
        "不能操作管理员账号，不查看整改业务数据。"
    ),
    RoleCode.LOG_AUDITOR: _(
        "安全审计员负责审查系统管理员和安全管理员的操作记录，不查看整改业务数据。"
        "可在「安全审计日志」中按时间、用户、事件类型、结果、地址和对象查询并导出安全日志。"
    ),
}

# Where an administrator goes from the landing page: (label, url name).
ADMIN_LINKS = {
    RoleCode.SYSTEM_ADMIN: [
        (_("账号管理"), "accounts:accounts"),
        (_("进入基础数据管理"), "admin:index"),
        (_("审批密码重置"), "accounts:password-resets"),
    ],
    RoleCode.SECURITY_ADMIN: [
        (_("账号管理"), "accounts:accounts"),
        (_("密码重置申请"), "accounts:password-resets"),
    ],
    RoleCode.LOG_AUDITOR: [(_("查询安全审计日志"), "security_log:list")],
}


def guides_for(user: User) -> list[str]:
    return [GUIDES[role] for role in sorted(user.role_codes) if role in GUIDES]


def admin_links_for(user: User) -> list[dict]:
    return [
        {"label": label, "url": reverse(url_name)}
        for role, links in sorted(ADMIN_LINKS.items())
        if role in user.role_codes
        for label, url_name in links
    ]


def is_administrator_only(user: User) -> bool:
    return bool(user.role_codes) and user.role_codes <= ADMIN_ROLES


def _ledger_url(**filters) -> str:
    return reverse("ledger:ledger") + "?" + urlencode(filters)


OVERVIEW_UNITS = 20


def overview(findings: QuerySet, *, with_links: bool, tally_scope: TallyScope | None = None) -> dict:
    """Overdue and repeat findings counted by unit and by top-level category: two queries, whatever
    the number of findings. Only groups with at least one of either are listed. Read from the tally rows
    of ``tally_scope`` when given (the same findings)."""
    wanted = Q(overdue__gt=0) | Q(repeat__gt=0)
    if tally_scope is not None:
        counted = {"overdue": Sum("red", default=0), "repeat": Sum("repeats", default=0)}
        by_unit = tally_rows(tally_scope, "unit_id")
        by_group = tally_rows(tally_scope, "category_group_id")
        group_id, group_name = "category_group_id", "category_group__name"
    else:
        repeated = Exists(Finding.repeats.through.objects.filter(from_finding=OuterRef("pk")))
        counted = {"overdue": Count("pk", filter=colour_q(Colour.RED)), "repeat": Count("pk", filter=Q(repeated))}
        by_unit = by_group = findings.order_by()
        group_id, group_name = "category__parent_id", "category__parent__name"
    # The units with the most overdue findings (a province has thousands with some): OVERVIEW_UNITS of them.
    every_unit = list(by_unit.values("unit_id").annotate(**counted).filter(wanted).order_by())
    units = top_named(every_unit, "overdue", OVERVIEW_UNITS)
    categories = (
        by_group.values(group_id, group_name).annotate(**counted).filter(wanted).order_by("-overdue", group_name)
    )

    def rows(groups, key: str, id_field: str, name_field: str) -> list[dict]:
        result = []
        for group in groups:
            row = {"label": group[name_field], "overdue": group["overdue"], "repeat": group["repeat"]}
            if with_links:
                row["overdue_url"] = _ledger_url(**{key: group[id_field], "colour": Colour.RED})
                row["repeat_url"] = _ledger_url(**{key: group[id_field], "repeat": "true"})
            result.append(row)
        return result

    return {
        "by_unit": rows(units, "unit", "unit_id", "unit__name"),
        "more_units": len(every_unit) - len(units),
        "by_category": rows(categories, "category", group_id, group_name),
        "with_links": with_links,
    }
