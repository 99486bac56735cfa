"""The Excel workbooks of the references (source 三(六)): the cadre reference for the organization
department, the budget reference for the finance bureau. Built from the read models of
``rectify.references.readers`` (the same figures the pages show), in a fixed number of queries. Every cell
from user data is text that no spreadsheet computes (``rectify.exchange.cells``); amounts are numbers in
yuan, counts are numbers, and no cell holds a formula (totals are values).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from rectify.exchange.cells import write_text
from rectify.exchange.columns import AMOUNT_FORMAT
from rectify.references import readers

if TYPE_CHECKING:
    from rectify.accounts.models import User

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The most audits of cadres one export lists (a filter narrows it).
MAX_PROJECTS = 2000

BOLD = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(sheet, headers: list[str]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = write_text(sheet, 1, column, header)
        cell.font, cell.fill = BOLD, FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    for column in range(1, len(headers) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 16


def _row(sheet, line: int, values: list) -> None:
    """Writes one row: text (str, or None as empty) as text cells, int as a count, Decimal as an amount."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, Decimal):
            sheet.cell(row=line, column=column, value=value).number_format = AMOUNT_FORMAT
        elif isinstance(value, int) and not isinstance(value, bool):
            sheet.cell(row=line, column=column, value=value)
        else:
            write_text(sheet, line, column, value)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _date(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- the cadre reference ------------------------------------------------------------------------------


def cadre_workbook(user: User, projects: QuerySet) -> bytes:
    """The cadre reference of ``projects`` (already scoped and filtered): one sheet of the audited leaders
    with their figures, one of the findings with their rectification and verification, one of the
    accountability outcomes (interviews, referrals and the persons handled)."""
    from rectify.references.readers import cadre_findings, decided_interviews, delivered_referrals, finding_lines

    projects = list(projects.prefetch_related("units")[:MAX_PROJECTS])
    ids = [project.pk for project in projects]
    figures = readers.cadre_figures(user, ids)
    findings = cadre_findings(user).filter(project_id__in=ids)
    workbook = Workbook()

    leaders = workbook.active
    leaders.title = "被审计领导干部"
    _header(leaders, [
        "被审计领导干部", "审计项目", "审计类型", "审计年度", "被审计单位", "审计报告文号", "报告出具日期",
        "问题数", "已销号", "销号率（%）", "涉及金额（元）", "已整改金额（元）", "认定整改金额（元）",
        "未整改金额（元）", "约谈（次）", "提请追责（件）",
    ])  # fmt: skip
    for line, project in enumerate(projects, start=2):
        f = figures[project.pk]
        _row(leaders, line, [
            project.audited_official, project.name, project.get_type_display(), project.year,
            "、".join(unit.name for unit in project.units.all()), project.report_number, _date(project.report_date),
            f["count"], f["closed"], "" if f["rate"] is None else str(f["rate"]), f["involved"], f["rectified"],
            f["verified"], f["unrectified"], f["interviews"], f["referrals"],
        ])  # fmt: skip

    sheet = workbook.create_sheet("问题及整改情况")
    _header(sheet, [
        "被审计领导干部", "问题编号", "问题摘要", "问题描述", "整改责任单位", "问题类别", "整改期限", "状态",
        "涉及金额（元）", "已整改金额（元）", "认定整改金额（元）", "未整改金额（元）", "最近认定结论", "认定时间",
        "认定理由",
    ])  # fmt: skip
    by_project = {project.pk: project for project in projects}
    for line, item in enumerate(finding_lines(findings), start=2):
        finding, verification = item.finding, item.verification
        _row(sheet, line, [
            by_project[finding.project_id].audited_official, finding.ledger_number, finding.title,
            finding.description, finding.unit.name, finding.category.name, _date(finding.deadline),
            finding.get_state_display(), finding.amount_involved, item.rectified, item.verified, item.unrectified,
            verification.get_verdict_display() if verification else "", _moment(verification.verified_at)
            if verification else "", verification.reasons if verification else "",
        ])  # fmt: skip

    outcomes = workbook.create_sheet("追责问责")
    _header(outcomes, [
        "被审计领导干部", "类别", "问题编号", "事由", "对象 / 受理机关", "状态", "时间", "处理结果", "处理人员",
    ])  # fmt: skip
    line = 2
    for interview in (
        decided_interviews(user, findings).select_related("finding__project", "unit").order_by("proposed_on", "pk")
    ):
        _row(outcomes, line, [
            interview.finding.project.audited_official, "约谈", interview.finding.ledger_number,
            interview.get_ground_display(), f"{interview.unit.name} {interview.interviewee}".strip(),
            interview.get_state_display(), _moment(interview.held_at or interview.scheduled_at),
            interview.commitments, "",
        ])  # fmt: skip
        line += 1
    for referral in (
        delivered_referrals(user, findings).select_related("recipient").prefetch_related("persons", "findings__project")
    ):
        cited = [f for f in referral.findings.all() if f.project_id in by_project]
        _row(outcomes, line, [
            "、".join(sorted({by_project[f.project_id].audited_official for f in cited})), "提请追责",
            "、".join(sorted(f.ledger_number for f in cited)), referral.get_ground_display(), referral.recipient.name,
            referral.get_state_display(), _moment(referral.sent_at), referral.outcome_text,
            "；".join(f"{p.name}（{p.position}）{p.get_outcome_display()}" for p in referral.persons.all()),
        ])  # fmt: skip
        line += 1
    return _save(workbook)


# --- the budget reference -----------------------------------------------------------------------------


def budget_workbook(user: User, *, year: int | None = None, sector: int | None = None) -> bytes:
    """The budget reference: the ranking of units (``year``, or all years), and each unit's figures by year
    over the history the ranking counts."""
    ranking = readers.budget_ranking(user, year=year, sector=sector)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单位排名"
    write_text(sheet, 1, 1, f"预算安排参考（{year}年度）" if year else "预算安排参考（全部年度）")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    headers = [
        "序号", "被审计单位", "单位代码", "行业领域", "问题数", "已销号", "涉及财政资金（元）", "已整改金额（元）",
        "认定整改金额（元）", "未整改金额（元）", "销号率（%）", "近年有问题的年度数",
    ]  # fmt: skip
    _header_at(sheet, 2, headers)
    line = 3
    for number, row in enumerate(ranking["rows"], start=1):
        f = row.figures
        _row(sheet, line, [
            number, row.name, row.code, row.sector, f.count, f.closed, f.involved, f.rectified, f.verified,
            f.unrectified, "" if f.rate is None else str(f.rate), row.years_with_findings,
        ])  # fmt: skip
        line += 1
    total = ranking["total"]
    _row(sheet, line, ["合计", "", "", "", total.count, total.closed, total.involved, total.rectified,
                       total.verified, total.unrectified, "", None])  # fmt: skip
    for column in range(1, len(headers) + 1):
        sheet.cell(row=line, column=column).font = BOLD

    history = workbook.create_sheet("分年度情况")
    _header(history, ["被审计单位", "审计年度", "问题数", "已销号", "涉及财政资金（元）", "已整改金额（元）",
                      "认定整改金额（元）", "未整改金额（元）"])  # fmt: skip
    grouped = readers.figures_by_unit_and_year(readers.budget_findings(user, sector=sector))
    names = {row.unit_id: row.name for row in ranking["rows"]}
    line = 2
    for row in ranking["rows"]:
        for audit_year in ranking["years"]:
            f = grouped.get((row.unit_id, audit_year), readers.Figures())
            _row(history, line, [names[row.unit_id], audit_year, f.count, f.closed, f.involved, f.rectified,
                                 f.verified, f.unrectified])  # fmt: skip
            line += 1
    return _save(workbook)


def _header_at(sheet, row: int, headers: list[str]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = write_text(sheet, row, column, header)
        cell.font, cell.fill = BOLD, FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[cell.column_letter].width = 16
    sheet.freeze_panes = f"A{row + 1}"
