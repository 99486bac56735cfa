"""Summary reports (``rectify.summaries``) as official documents in the GB/T 9704-2012 layout.

The document states the report's stored figures (frozen once it is approved), never counts again:
版头 with the issuer's mark in red and its 发文字号 (from the issuer's sequence for the year, given the
first time the approved report is written; a draft reads "草稿" instead), the red separator, 主送,
the body (the narrative's sections with the figures, tables and lists placed among them), the 附件
line naming the Excel annex, the issuer and date, and the 版记. Reports to the committee, the
government and the congress are 上行文: their number stands on the left and the 签发人 on the right.
Amounts are in 万元 with two decimals (``wan_yuan``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from rectify.documents import numbering
from rectify.documents.builder import (
    CHAR_PITCH_TW,
    TEXT_WIDTH_TW,
    OfficialDocument,
    _paragraph_format,
    _set,
    chinese_date,
)
from rectify.documents.services import GeneratedDocument, chinese_number, safe_filename, wan_yuan
from rectify.findings.choices import FindingState
from rectify.rectification.choices import AMOUNT_METHODS, Verdict
from rectify.summaries.choices import SummaryKind, SummaryState
from rectify.summaries.models import SummaryReport

K = SummaryKind
UPWARD = frozenset({K.COMMITTEE, K.GOVERNMENT, K.CONGRESS})
ANNEX_NAME = "审计查出问题整改情况明细表"
STATES = dict(FindingState.choices)
VERDICTS = dict(Verdict.choices)
METHODS = dict(AMOUNT_METHODS)


def annex_title(report: SummaryReport) -> str:
    return f"{report.title}附件：{ANNEX_NAME}"


def _wan(value: str | Decimal | None) -> str:
    return wan_yuan(Decimal(value or "0"))


def _wan_number(value: str | Decimal | None) -> str:
    return wan_yuan(Decimal(value or "0")).removesuffix("万元")


def _issued_on(report: SummaryReport) -> datetime.date:
    when = report.approved_at or report.figures_at
    return timezone.localtime(when).date() if when else report.report_date


def document_number(report: SummaryReport) -> str:
    """The 发文字号 of an approved or sent report (allocated once); a draft has none yet."""
    if report.state not in (SummaryState.APPROVED, SummaryState.SENT):
        return "（草稿，未编号）"
    return numbering.summary_number(report, _issued_on(report).year).text


def overview(figures: dict[str, Any], report_date: datetime.date, *, unit: bool = False) -> str:
    """The figures in the sentence such reports use (审计工作报告反映涉及 X 个方面、Y 个单位共计 N 项…)."""
    t = figures
    methods = "、".join(f"{METHODS[field]}{_wan(amount)}" for field, amount in t["amount_by_method"] if Decimal(amount))
    head = (
        f"审计查出我单位问题{t['count']}项，涉及{t['areas']}个方面，问题资金{_wan(t['amount_involved'])}"
        if unit
        else f"审计工作报告反映涉及{t['areas']}个方面、{t['units']}个单位共计{t['count']}项具体问题，"
        f"问题资金{_wan(t['amount_involved'])}"
    )
    return (
        f"{head}；截至{chinese_date(report_date)}，已整改{t['rectified']}项、部分整改{t['partly']}项、"
        f"正在整改{t['in_progress']}项，整改到位资金{_wan(t['amount_rectified'])}"
        + (f"（其中{methods}）" if methods else "")
        + f"，未整改资金{_wan(t['amount_unrectified'])}；出台规章制度{t['rules']}个，追责问责{t['people']}人。"
    )


def _group_table(doc: OfficialDocument, groups: list[dict], first: str) -> None:
    rows = [
        [g["name"], str(g["count"]), str(g["rectified"]), str(g["partly"]), str(g["in_progress"]), str(g["overdue"]),
         _wan_number(g["amount_involved"]), _wan_number(g["amount_rectified"])]
        for g in groups
    ]  # fmt: skip
    doc.table(
        [first, "问题数", "已整改", "部分整改", "正在整改", "逾期", "问题资金（万元）", "整改到位资金（万元）"],
        rows,
        [44, 14, 14, 14, 14, 12, 22, 22],
        align=["left", "center", "center", "center", "center", "center", "right", "right"],
    )


def _unrectified(doc: OfficialDocument, items: list[dict]) -> None:
    if not items:
        doc.paragraph("审计查出的问题均已整改到位。")
        return
    rows = []
    for index, item in enumerate(items, start=1):
        overdue = f"（已逾期{item['days_overdue']}天）" if item.get("days_overdue") else ""
        steps = item["next_steps"] + (f"（时限：{item['next_steps_due']}）" if item.get("next_steps_due") else "")
        rows.append(
            [str(index), f"{item['ledger_number']}\n{item['title']}\n{item['unit']}{overdue}",
             item["reason"] or "尚未报送未完成原因", steps or "按整改方案推进"]
        )  # fmt: skip
    doc.table(
        ["序号", "问题", "未完成原因", "下一步措施"], rows, [12, 58, 43, 43], align=["center", "left", "left", "left"]
    )


def _by_area(doc: OfficialDocument, areas: list[dict], report_date: datetime.date) -> None:
    for index, area in enumerate(areas, start=1):
        doc.heading2(f"（{chinese_number(index)}）{area['name']}方面的问题")
        sentence = overview(area, report_date)
        doc.paragraph(sentence.replace(f"审计工作报告反映涉及{area['areas']}个方面、", "审计反映该方面问题涉及", 1))


def _accountability(doc: OfficialDocument, rows: list[dict]) -> None:
    if not rows:
        return
    doc.table(
        ["单位", "逾期未说明原因", "虚假整改", "屡审屡犯"],
        [[r["unit"], str(r["overdue"]), str(r["false"]), str(r["repeats"])] for r in rows],
        [70, 30, 28, 28],
        align=["left", "center", "center", "center"],
    )


def _unit_items(doc: OfficialDocument, items: list[dict]) -> None:
    for index, item in enumerate(items, start=1):
        doc.heading2(f"（{chinese_number(index)}）{item['title']}")
        deadline = f"，整改期限{item['deadline']}" if item["deadline"] else ""
        doc.paragraph(
            f"问题编号{item['ledger_number']}，{item['project']}查出，涉及金额{_wan(item['amount_involved'])}"
            f"{deadline}；当前状态：{STATES.get(item['state'], item['state'])}。"
        )
        for one in item["rounds"]:
            doc.labelled(f"第{one['round']}轮报送（{one['submitted_at']}）", f"{one['measures']}；{one['progress']}")
        if not item["rounds"]:
            doc.labelled("整改进展", "尚未报送整改情况。")
        figures = item["figures"]
        doc.labelled(
            "整改金额",
            f"{_wan(figures['amount_rectified'])}；制定完善制度{figures['rules']}个，追责问责{figures['people']}人。",
        )
        if item.get("verdict"):
            doc.labelled("核实认定", f"审计机关认定为「{VERDICTS.get(item['verdict'], item['verdict'])}」。")
        if item["state"] != FindingState.CLOSED:
            if item["reason"]:
                doc.labelled("未完成原因", item["reason"])
            if item["next_steps"]:
                doc.labelled("下一步措施", item["next_steps"])


def _masthead(doc: OfficialDocument, report: SummaryReport, number: str) -> None:
    mark = f"{report.issuer.name}文件"
    _head, line = doc.masthead(mark, number)
    if report.kind not in UPWARD:
        return
    # 上行文 (GB/T 9704 7.2.4): the number one character in from the left, "签发人：" and the name
    # one character in from the right, on the same line.
    _paragraph_format(line, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=0, left_chars=1, right_chars=1)
    tabs = _set(line._p.get_or_add_pPr(), "w:tabs")
    _set(tabs, "w:tab", val="right", pos=TEXT_WIDTH_TW - 2 * CHAR_PITCH_TW)
    signer = report.approved_by.display_name if report.approved_by_id else "　　　"
    doc._run(line, f"\t签发人：{signer}", "主送机关")


def summary_report_document(report: SummaryReport) -> GeneratedDocument:
    """The report as a .docx. The caller has fetched ``report`` through the user's scope."""
    figures = report.figures or {}
    totals = figures.get("totals", {})
    number = document_number(report)
    issued = _issued_on(report)
    issuer = report.issuer.name
    doc = OfficialDocument(subject=report.title, author=issuer)
    _masthead(doc, report, number)
    doc.title(report.title)
    doc.addressee([org.name for org in report.recipients.all()])
    year = f"{report.year}年度" if report.year else ""
    intro = {
        K.SECTOR: f"根据审计整改工作要求，现将本行业（领域）{year}审计查出问题整改情况报告如下。",
        K.COMMITTEE: f"现将{year}审计查出问题整改情况报告如下。",
        K.GOVERNMENT: f"现将{year}审计查出问题整改情况报告如下。",
        K.CONGRESS: f"受区人民政府委托，现将{year}区级预算执行和其他财政收支审计查出问题整改情况报告如下，请予审议。",
        K.UNIT: "根据审计整改工作有关要求，现将我单位审计查出问题整改情况报告如下。",
    }[report.kind]
    doc.paragraph(intro)
    date = report.report_date

    def after(key: str) -> None:
        kind = report.kind
        if kind == K.SECTOR and key == "implementation":
            doc.paragraph(overview(totals, date))
            _group_table(doc, figures.get("by_unit", []), "单位")
        elif kind == K.SECTOR and key == "common_problems" and figures.get("common_problems"):
            doc.table(
                ["问题类别", "问题数", "涉及单位数"],
                [[r["category"], str(r["findings"]), str(r["units"])] for r in figures["common_problems"]],
                [96, 30, 30],
                align=["left", "center", "center"],
            )
        elif kind == K.SECTOR and key == "next_steps":
            doc.paragraph(f"尚未整改到位的问题{len(figures.get('unrectified', []))}项，见附件。")
        elif kind in (K.COMMITTEE, K.GOVERNMENT) and key == "work":
            doc.heading1("二、审计查出问题整改情况")
            doc.paragraph(overview(totals, date))
            doc.heading2("（一）按审计项目")
            _group_table(doc, figures.get("by_project", []), "审计项目")
            doc.heading2("（二）按单位")
            _group_table(doc, figures.get("by_unit", []), "单位")
            doc.heading2("（三）逾期和持续整改事项")
            doc.paragraph(
                f"截至{chinese_date(date)}，逾期未完成整改的问题{totals['overdue']}项，"
                f"转入持续整改的问题{totals['long_term']}项，屡审屡犯的问题{totals['repeats']}项。"
                "尚未整改到位的问题及其原因和下一步措施如下："
            )
            _unrectified(doc, figures.get("unrectified", []))
        elif kind in (K.COMMITTEE, K.GOVERNMENT) and key == "accountability":
            _accountability(doc, figures.get("accountability", []))
        elif kind == K.CONGRESS and key == "work":
            doc.heading1("二、审计查出问题的整改情况")
            doc.paragraph(overview(totals, date))
            _by_area(doc, figures.get("by_area", []), date)
            doc.heading1("三、尚未整改到位的问题及原因和下一步措施")
            _unrectified(doc, figures.get("unrectified", []))
        elif kind == K.UNIT and key == "measures":
            doc.heading1("二、问题整改情况")
            doc.paragraph(overview(totals, date, unit=True))
            _unit_items(doc, figures.get("unit_items", []))

    for section in report.narrative:
        doc.heading1(section["heading"])
        for line in (section["text"] or "").splitlines():
            if line.strip():
                doc.paragraph(line.strip())
        after(section["key"])
    if report.kind == K.UNIT:
        head = report.approved_by.display_name if report.approved_by_id else ""
        signed = f"{head}（{chinese_date(_issued_on(report))}审签）" if head else "（待审签）"
        doc.paragraph(f"单位主要负责人：{signed}")
    doc.attachments([ANNEX_NAME])
    doc.signature(issuer, issued)
    doc.imprint(
        f"{issuer}办公室" if report.kind != K.UNIT else issuer,
        timezone.localtime(report.sent_at).date() if report.sent_at else issued,
    )
    return GeneratedDocument(
        safe_filename(report.title) + ".docx",
        doc.to_bytes(),
        ascii_filename=f"summary-report-{report.pk}.docx",
    )
