"""Bad input (DESIGN.md section 6): every write refuses it with a clear Chinese message and leaves the data as it was.

``refused`` compares the row counts of every table of the domain (history tables and link tables included),
the findings' and projects' values, and the stored files, before and after the refused call.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings

from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.core.exceptions import ActionRefused
from rectify.findings import services as findings
from rectify.findings.models import Category, Finding
from rectify.rectification import services as rectification
from rectify.rectification.choices import Verdict
from rectify.testing import finding_data, make_finding, make_project

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
DOMAIN_APPS = {"organizations", "accounts", "audits", "findings", "rectification"}
REPORT_DATE = datetime.date(2025, 6, 1)
DAY_BEFORE = datetime.date(2025, 5, 31)


def db_state() -> dict:
    state: dict = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in DOMAIN_APPS
    }
    state["finding values"] = list(
        Finding.all_objects.order_by("pk").values_list(
            "pk", "state", "amount_involved", "deadline", "category_id", "unit_id", "title", "last_updated"
        )
    )
    state["project values"] = list(
        AuditProject.all_objects.order_by("pk").values_list("pk", "report_number", "report_date", "last_updated")
    )
    media = Path(settings.MEDIA_ROOT)
    state["files"] = sorted(str(p) for p in media.rglob("*")) if media.exists() else []
    return state


def refused(call, *args, **kwargs) -> str:
    """Calls and expects a refusal that saved nothing; returns the message."""
    before = db_state()
    with pytest.raises(ActionRefused) as info:
        call(*args, **kwargs)
    assert db_state() == before
    (message,) = info.value.messages
    assert HAN.search(message), message
    return message


@pytest.fixture
def reported(world) -> AuditProject:
    """A project whose report is already issued (dated 2025-06-01)."""
    return make_project(
        world,
        world.office_a,
        [world.unit],
        AuditType.SPECIAL_FUND,
        report_number="甲审报〔2025〕3号",
        report_date=REPORT_DATE,
    )


# --- money -------------------------------------------------------------------------------------------------

BAD_AMOUNTS = [
    ("-1", "不能为负数。"),
    ("-0.01", "不能为负数。"),
    (Decimal("-5"), "不能为负数。"),
    ("1.234", "最多保留两位小数（分）。"),
    ("0.001", "最多保留两位小数（分）。"),
    (Decimal("10.005"), "最多保留两位小数（分）。"),
    (1.5, "须以精确的十进制数填写，不能使用浮点数。"),
    (100.0, "须以精确的十进制数填写，不能使用浮点数。"),
    ("abc", "不是有效金额。"),
    ("12元", "不是有效金额。"),
    ("NaN", "不是有效金额。"),
    ("Infinity", "不是有效金额。"),
    ("10000000000000.00", "超出允许范围。"),
    (Decimal("1e16"), "超出允许范围。"),
    # Issue 11: these gave a 500 (InvalidOperation) or were read as another number.
    ("1e13", "不是有效金额。"),
    ("1e26", "不是有效金额。"),
    ("1E+400", "不是有效金额。"),
    (Decimal("1E+30"), "超出允许范围。"),
    ("12,3,4", "不是有效金额。"),
    ("1_000", "不是有效金额。"),
    ("１２３", "不是有效金额。"),
    ("١٢٣", "不是有效金额。"),
]


def _create(world, value):
    return lambda: findings.create_finding(
        world["auditor"], allow_past_deadline=True, **finding_data(world, amount_involved=value)
    )


def _update(world, value):
    finding = make_finding(world, state="issued")
    return lambda: findings.update_finding(world["auditor"], finding, reason="更正", amount_involved=value)


def _report(world, value):
    finding = make_finding(world, state="rectifying")
    return lambda: rectification.submit_report(
        world["unit"], finding, measures="清理", progress="完成", amounts={"amount_to_treasury": value}
    )


def _verify(world, value):
    finding = make_finding(world, state="submitted")
    report = finding.reports.get()
    return lambda: rectification.verify(
        world["auditor"], report, verdict=Verdict.RECTIFIED, reasons="核实无误", verified_amount=value
    )


AMOUNT_FIELDS = {
    "create_finding": (_create, "涉及金额"),
    "update_finding": (_update, "涉及金额"),
    "submit_report": (_report, "整改金额（上缴财政）"),
    "verify": (_verify, "认定整改金额"),
}


@pytest.mark.parametrize(("value", "problem"), BAD_AMOUNTS)
@pytest.mark.parametrize("action", sorted(AMOUNT_FIELDS))
def test_a_bad_amount_is_refused_with_the_field_named(world, action, value, problem):
    setup, label = AMOUNT_FIELDS[action]
    message = refused(setup(world, value))
    assert message.startswith(label)
    assert message.endswith(problem)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("1,234.50", Decimal("1234.50")),
        (" 88.8 ", Decimal("88.80")),
        (Decimal("12.3"), Decimal("12.30")),
        (7, Decimal("7.00")),
        ("0", Decimal("0.00")),
        (None, Decimal("0.00")),
        ("", Decimal("0.00")),
        ("9999999999999.99", Decimal("9999999999999.99")),  # the largest, kept exactly to the cent
    ],
)
def test_good_amounts_are_stored_exactly(world, value, stored):
    finding = findings.create_finding(
        world["auditor"], allow_past_deadline=True, **finding_data(world, amount_involved=value)
    )
    finding.refresh_from_db()
    assert finding.amount_involved == stored


def test_the_cumulative_rectified_amount_may_exceed_the_amount_involved_only_with_a_reason(world):
    finding = make_finding(world, state="rectifying")  # 125,000.00 involved
    unit = world["unit"]
    rectification.submit_report(
        unit, finding, measures="上缴", progress="部分完成", amounts={"amount_to_treasury": "100000.00"}
    )
    rectification.return_for_rework(world["auditor"], finding, comment="继续整改")

    message = refused(
        rectification.submit_report,
        unit,
        finding,
        measures="调账",
        progress="完成",
        amounts={"amount_adjusted_in_accounts": "20000.00", "amount_other": "5000.01"},
    )

    assert message == "累计整改金额 125,000.01 元超过问题涉及金额 125,000.00 元，请说明原因。"
    refused(
        rectification.submit_report,
        unit,
        finding,
        measures="调账",
        progress="完成",
        amounts={"amount_adjusted_in_accounts": "25000.01"},
        excess_reason="   ",
    )
    report = rectification.submit_report(
        unit,
        finding,
        measures="调账",
        progress="完成",
        amounts={"amount_adjusted_in_accounts": "25000.01"},
        excess_reason="另查出同类款项一并清理",
    )
    assert report.excess_reason == "另查出同类款项一并清理"
    assert rectification.amount_rectified_so_far(finding) == Decimal("125000.01")


def test_exactly_the_amount_involved_needs_no_reason(world):
    finding = make_finding(world, state="rectifying")
    report = rectification.submit_report(
        world["unit"], finding, measures="调账", progress="完成", amounts={"amount_adjusted_in_accounts": "125000"}
    )
    assert report.amount_rectified == Decimal("125000.00")


def test_a_verified_amount_above_what_the_unit_reported_is_refused(world):
    finding = make_finding(world, state="submitted")
    message = refused(
        rectification.verify,
        world["auditor"],
        finding.reports.get(),
        verdict=Verdict.RECTIFIED,
        reasons="核实无误",
        verified_amount="125000.01",
    )
    assert message == "认定整改金额 125,000.01 元超过单位累计报送的整改金额 125,000.00 元。"


# --- dates ------------------------------------------------------------------------------------------------


def test_a_deadline_before_the_report_date_is_refused_on_create(world, reported):
    message = refused(
        findings.create_finding, world["auditor"], **finding_data(world, project=reported, deadline=DAY_BEFORE)
    )
    assert message == "整改期限 2025-05-31 早于审计报告出具日期 2025-06-01。"
    on_the_day = findings.create_finding(
        world["auditor"], allow_past_deadline=True, **finding_data(world, project=reported, deadline=REPORT_DATE)
    )
    assert on_the_day.deadline == REPORT_DATE
    by_rule = findings.create_finding(
        world["auditor"], allow_past_deadline=True, **finding_data(world, project=reported, deadline=None)
    )
    assert by_rule.deadline == REPORT_DATE + datetime.timedelta(days=30)  # immediate: 30 days by default


@pytest.mark.parametrize("state", ["draft", "issued"])
def test_a_deadline_before_the_report_date_is_refused_on_update(world, reported, state):
    finding = make_finding(world, state=state, project=reported)
    message = refused(findings.update_finding, world["auditor"], finding, reason="调整期限", deadline=DAY_BEFORE)
    assert message == "整改期限 2025-05-31 早于审计报告出具日期 2025-06-01。"


def plan_kwargs(**overrides) -> dict:
    kwargs = {
        "measures": "清理往来款项",
        "responsible_person": "李四",
        "planned_completion": datetime.date(2025, 9, 1),
        "milestones": [("摸清底数", datetime.date(2025, 7, 1)), ("完成清理", datetime.date(2025, 8, 1))],
    }
    kwargs.update(overrides)
    return kwargs


def test_a_plan_completing_before_the_report_date_is_refused(world, reported):
    finding = make_finding(world, state="issued", project=reported)
    message = refused(rectification.submit_plan, world["unit"], finding, **plan_kwargs(planned_completion=DAY_BEFORE))
    assert message == "计划完成时间 2025-05-31 早于 2025-06-01。"


def test_a_milestone_before_the_report_date_is_refused(world, reported):
    finding = make_finding(world, state="issued", project=reported)
    milestones = [("摸清底数", datetime.date(2025, 7, 1)), ("完成清理", DAY_BEFORE)]
    message = refused(rectification.submit_plan, world["unit"], finding, **plan_kwargs(milestones=milestones))
    assert message == "第 2 个整改节点的完成时限 2025-05-31 早于 2025-06-01。"
    message = refused(
        rectification.submit_plan, world["unit"], finding, **plan_kwargs(milestones=[(" ", datetime.date(2025, 7, 1))])
    )
    assert message == "第 1 个整改节点缺少目标或完成时限。"
    rectification.submit_plan(world["unit"], finding, **plan_kwargs(planned_completion=REPORT_DATE))


@pytest.mark.parametrize(("field", "value"), [("measures", "  "), ("responsible_person", "")])
def test_a_plan_without_measures_or_responsible_person_is_refused(world, field, value):
    finding = make_finding(world, state="issued")
    message = refused(rectification.submit_plan, world["unit"], finding, **plan_kwargs(**{field: value}))
    assert message == "整改措施和责任人不能为空。"


def test_next_steps_due_before_today_is_refused(world):
    with time_machine.travel(datetime.datetime(2025, 9, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        finding = make_finding(world, state="rectifying")
        message = refused(
            rectification.submit_report,
            world["unit"],
            finding,
            measures="清理",
            progress="部分完成",
            next_steps="继续清理",
            next_steps_due=datetime.date(2025, 9, 19),
        )
        assert message == "下一步措施时限 2025-09-19 早于 2025-09-20。"
        rectification.submit_report(
            world["unit"],
            finding,
            measures="清理",
            progress="部分完成",
            next_steps="继续清理",
            next_steps_due=datetime.date(2025, 9, 20),
        )


# --- categories, units, repeats, requirements -----------------------------------------------------------


def test_a_first_level_category_is_refused(world):
    top = Category.objects.get(code="06")
    assert top.parent_id is None
    message = refused(
        findings.create_finding, world["auditor"], allow_past_deadline=True, **finding_data(world, category=top)
    )
    assert message == f"请选择二级问题类别（「{top.name}」是一级类别）。"
    draft = make_finding(world, state="draft")
    refused(findings.update_finding, world["auditor"], draft, category=top)


@pytest.mark.parametrize("unit_name", ["unit_b", "committee", "dept", "office_a"])
def test_a_unit_not_audited_in_the_project_is_refused(world, unit_name):
    unit = getattr(world, unit_name)
    message = refused(
        findings.create_finding, world["auditor"], allow_past_deadline=True, **finding_data(world, unit=unit)
    )
    assert message == f"整改责任单位「{unit.name}」不是本项目的被审计单位或其下属单位。"
    draft = make_finding(world, state="draft")
    refused(findings.update_finding, world["auditor"], draft, unit=unit)


def test_a_unit_under_an_audited_department_is_accepted(world):
    project = make_project(world, world.office_a, [world.dept], AuditType.BUDGET_EXECUTION)
    finding = findings.create_finding(
        world["auditor"], allow_past_deadline=True, **finding_data(world, project=project, unit=world.sibling_unit)
    )
    assert finding.unit == world.sibling_unit


def test_a_repeat_must_be_an_earlier_audits_finding(world):
    auditor = world["auditor"]
    same_project = make_finding(world, state="issued")
    later_project = make_project(world, world.office_a, [world.unit], AuditType.BUDGET_EXECUTION, year=2026)
    later = make_finding(world, state="issued", project=later_project, deadline=datetime.date(2026, 9, 30))
    other_district = make_finding(
        world, state="issued", actor=world["auditor_b"], project=world.project_b, unit=world.unit_b
    )
    earlier_project = make_project(world, world.office_a, [world.unit], AuditType.BUDGET_EXECUTION, year=2024)
    earlier = make_finding(world, state="closed", project=earlier_project, deadline=datetime.date(2024, 9, 30))

    for wrong in (same_project, later):
        message = refused(
            findings.create_finding, auditor, allow_past_deadline=True, **finding_data(world, repeats=[earlier, wrong])
        )
        assert message == f"问题 {wrong.ledger_number} 不是以往审计查出的问题，不能作为屡审屡犯关联。"
        refused(findings.link_repeats, auditor, same_project, [wrong])
    message = refused(
        findings.create_finding, auditor, allow_past_deadline=True, **finding_data(world, repeats=[other_district])
    )
    assert message == "关联的以往问题不存在，或不在您的职责范围内。"

    repeat = findings.create_finding(auditor, allow_past_deadline=True, **finding_data(world, repeats=[earlier]))
    assert list(repeat.repeats.all()) == [earlier] and repeat.is_repeat


@pytest.mark.parametrize("requirements", [[], [""], ["  ", "\n"]])
def test_a_finding_needs_at_least_one_requirement(world, requirements):
    message = refused(
        findings.create_finding,
        world["auditor"],
        allow_past_deadline=True,
        **finding_data(world, requirements=requirements),
    )
    assert message == "至少须列明一条整改要求。"
    draft = make_finding(world, state="draft")
    refused(findings.set_requirements, world["auditor"], draft, requirements)


def test_requirements_are_fixed_once_issued(world):
    finding = make_finding(world, state="issued")
    message = refused(findings.set_requirements, world["auditor"], finding, ["新的要求"])
    assert message == "问题下达后不能更改整改要求。"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", "  ", "问题摘要和问题描述不能为空。"),
        ("description", "", "问题摘要和问题描述不能为空。"),
        ("kind", "forever", "未知的整改类型「forever」。"),
        ("disclosure", "everyone", "未知的公开范围「everyone」。"),
    ],
)
def test_a_finding_with_missing_or_unknown_values_is_refused(world, field, value, expected):
    assert (
        refused(
            findings.create_finding, world["auditor"], allow_past_deadline=True, **finding_data(world, **{field: value})
        )
        == expected
    )


# --- corrections ------------------------------------------------------------------------------------------


def test_a_correction_after_issue_needs_a_reason(world):
    finding = make_finding(world, state="issued")
    message = refused(findings.update_finding, world["auditor"], finding, reason="  ", title="新标题")
    assert message == "问题下达后修改须说明理由。"


@pytest.mark.parametrize("field", ["state", "ledger_number", "closed_at", "project"])
def test_the_state_and_the_bookkeeping_cannot_be_written_directly(world, field):
    finding = make_finding(world, state="submitted")
    message = refused(findings.update_finding, world["auditor"], finding, reason="直接改", **{field: None})
    assert message == f"以下字段不能修改：{field}。"


def test_a_closed_finding_cannot_be_corrected(world):
    finding = make_finding(world, state="closed")
    message = refused(findings.update_finding, world["auditor"], finding, reason="更正", title="新标题")
    assert message == "已销号的问题不能修改。"


@pytest.mark.parametrize("username", ["unit", "auditor_b", "dept", "sysadmin"])
def test_only_the_projects_auditors_record_or_correct_findings(world, username):
    message = refused(findings.create_finding, world[username], **finding_data(world))
    assert message == "只有本项目所属审计机关的审计人员可以登记或修改问题。"
    draft = make_finding(world, state="draft")
    refused(findings.update_finding, world[username], draft, title="新标题")


# --- reports -----------------------------------------------------------------------------------------------


def report_kwargs(**overrides) -> dict:
    kwargs = {"measures": "清理挂账", "progress": "已完成"}
    kwargs.update(overrides)
    return kwargs


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"measures": " "}, "整改措施和整改进展不能为空。"),
        ({"progress": ""}, "整改措施和整改进展不能为空。"),
        ({"amounts": {"amount_bribes": "1"}}, "未知的整改方式：amount_bribes。"),
        ({"rules": [{"title": "财务管理办法"}, {"title": " "}]}, "第 2 项制度缺少名称。"),
        ({"accountability": [{"person_name": "", "outcome": "criticism"}]}, "第 1 名追责问责人员缺少姓名。"),
        ({"accountability": [{"person_name": "王五", "outcome": "fired"}]}, "第 1 名追责问责人员的处理方式无效。"),
    ],
)
def test_a_report_with_missing_or_unknown_values_is_refused(world, overrides, expected):
    finding = make_finding(world, state="issued")  # a success would also start and submit it
    assert refused(rectification.submit_report, world["unit"], finding, **report_kwargs(**overrides)) == expected


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"next_steps": "年底前清理剩余款项"},
        {"next_steps_due": datetime.date(2099, 12, 31)},
        {"next_steps": "  ", "next_steps_due": datetime.date(2099, 12, 31)},
    ],
)
def test_a_continued_report_needs_next_steps_and_their_due_date(world, overrides):
    finding = make_finding(world, state="long_term")
    message = refused(rectification.submit_report, world["unit"], finding, **report_kwargs(**overrides))
    assert message == "持续整改事项须写明下一步措施及时限。"


@pytest.mark.parametrize("state", ["draft", "submitted", "closed"])
def test_no_report_outside_the_reportable_states(world, state):
    finding = make_finding(world, state=state)
    message = refused(rectification.submit_report, world["unit"], finding, **report_kwargs())
    expected = (
        "问题不存在，或不在您的职责范围内。"
        if state == "draft"
        else f"问题当前状态为「{finding.get_state_display()}」，不能报送整改情况。"
    )
    assert message == expected


# --- verification -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verdict", "reasons", "expected"),
    [
        (Verdict.RECTIFIED, "  ", "请填写认定理由。"),
        ("maybe", "看起来不错", "未知的认定结论「maybe」。"),
    ],
)
def test_a_verification_without_reasons_or_with_an_unknown_verdict_is_refused(world, verdict, reasons, expected):
    finding = make_finding(world, state="submitted")
    message = refused(rectification.verify, world["auditor"], finding.reports.get(), verdict=verdict, reasons=reasons)
    assert message == expected


# --- issuing a report -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "date", "expected"),
    [
        ("  ", REPORT_DATE, "请填写审计报告文号。"),
        ("甲审报〔2025〕12号", None, "请填写报告出具日期。"),
        ("甲审报〔2025〕12号", datetime.date(2025, 2, 28), "报告出具日期不能早于进点日期。"),  # fieldwork began 1 March
    ],
)
def test_issuing_a_report_needs_its_number_and_a_plausible_date(world, number, date, expected):
    make_finding(world, state="draft")
    message = refused(
        findings.issue_project_findings, world["auditor"], world.project, report_number=number, report_date=date
    )
    assert message == expected


def test_changing_the_category_carries_the_fiscal_flag_and_the_finance_bureaus_view(world):
    from rectify.findings import services
    from rectify.findings.models import Finding

    finding = make_finding(world, state="issued")
    finance = world["finance"]
    assert not Finding.objects.restrict(finance).filter(pk=finding.pk).exists()
    services.update_finding(world["auditor"], finding, reason="改定为挤占挪用财政资金", category=world.fiscal_category)
    finding.refresh_from_db()
    assert finding.involves_fiscal_funds
    assert Finding.objects.restrict(finance).filter(pk=finding.pk).exists()
