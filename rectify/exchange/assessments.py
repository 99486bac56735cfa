"""The Excel workbook of a year's assessment results for the assessment office (考核办): the ranking
(one row per unit, each rule's points in its own column) and every line with its explanation.

Every cell from user data is written as text (never a formula); points are numbers. Which results are
in it is the caller's scope (``Assessment.objects.restrict``), as on the ranking page.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from rectify.assessment.models import Assessment, AssessmentLine
from rectify.exchange.cells import write_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RANKING_SHEET = "考核结果"
LINES_SHEET = "得分明细"
POINTS_FORMAT = "0.00"


def assessment_workbook(assessments, year: int) -> tuple[str, bytes]:
    """(filename, content) of the year's results among ``assessments`` (a scoped queryset), in three
    queries whatever their number: the results, their lines, nothing per unit."""
    rows = list(
        assessments.filter(year=year)
        .select_related("unit", "scheme__jurisdiction")
        .order_by("scheme__jurisdiction_id", "-total", "unit__code", "pk")
    )
    lines = list(
        AssessmentLine.objects.filter(assessment__in=[a.pk for a in rows]).order_by("assessment_id", "sequence")
    )
    by_assessment: dict[int, list[AssessmentLine]] = {}
    columns: dict[str, str] = {}
    for line in lines:
        by_assessment.setdefault(line.assessment_id, []).append(line)
        columns.setdefault(line.code, line.name)
    workbook = Workbook()
    bold = Font(bold=True)
    ranking = workbook.active
    ranking.title = RANKING_SHEET
    write_text(ranking, 1, 1, f"{year}年度审计整改目标管理绩效考核结果")
    ranking.cell(row=1, column=1).font = Font(bold=True, size=14)
    headers = ["名次", "行政区域", "被考核单位", "单位代码", "考核得分", "计算得分", "状态", *columns.values()]
    for column, header in enumerate(headers, start=1):
        write_text(ranking, 3, column, header).font = bold
    rank, previous, scheme = 0, None, None
    for index, assessment in enumerate(rows, start=4):
        if assessment.scheme_id != scheme:
            scheme, rank, previous, position = assessment.scheme_id, 0, None, 0
        position += 1
        if assessment.total != previous:
            rank, previous = position, assessment.total
        ranking.cell(row=index, column=1, value=rank)
        write_text(ranking, index, 2, assessment.scheme.jurisdiction.name)
        write_text(ranking, index, 3, assessment.unit.name)
        write_text(ranking, index, 4, assessment.unit.code)
        ranking.cell(row=index, column=5, value=assessment.total).number_format = POINTS_FORMAT
        ranking.cell(row=index, column=6, value=assessment.computed_total).number_format = POINTS_FORMAT
        write_text(ranking, index, 7, str(assessment.get_state_display()))
        points = {line.code: line.points for line in by_assessment.get(assessment.pk, [])}
        for offset, code in enumerate(columns, start=8):
            if code in points:
                ranking.cell(row=index, column=offset, value=points[code]).number_format = POINTS_FORMAT
    ranking.column_dimensions["C"].width = 36
    detail = workbook.create_sheet(LINES_SHEET)
    detail_headers = ["被考核单位", "序号", "规则", "计分方式", "分值上限", "计算得分", "得分", "调整理由", "计分说明"]
    for column, header in enumerate(detail_headers, start=1):
        write_text(detail, 1, column, header).font = bold
    row = 2
    for assessment in rows:
        for line in by_assessment.get(assessment.pk, []):
            write_text(detail, row, 1, assessment.unit.name)
            detail.cell(row=row, column=2, value=line.sequence)
            write_text(detail, row, 3, line.name)
            write_text(detail, row, 4, str(line.get_kind_display()))
            for column, value in ((5, line.limit), (6, line.computed_points), (7, line.points)):
                detail.cell(row=row, column=column, value=value).number_format = POINTS_FORMAT
            write_text(detail, row, 8, line.adjustment_reason)
            write_text(detail, row, 9, line.explanation).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    detail.column_dimensions["A"].width = 36
    detail.column_dimensions["I"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return f"{year}年度目标管理绩效考核结果.xlsx", buffer.getvalue()


def scoped_results(user):
    return Assessment.objects.restrict(user)
