"""The official documents Rectify writes, in Word (.docx) laid out by GB/T 9704-2012.

- ``rectification_notice``: 审计整改通知书 of an audit project, with its problem list;
- ``close_out_sheet``: 对账销号单 of a verified finding;
- ``unit_report``: 整改情况报告 of a unit, assembled from its ledger.

Each takes the requesting user and reads only what that user may see (``restrict``); the views and the
API fetch the root object through the restricted queryset first, so an invisible object answers 404.
The documents are written in Chinese whatever the interface language: they are official documents.
Refusals are ``ActionRefused`` with a message for the user.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused
from rectify.core.money import format_money
from rectify.documents import numbering
from rectify.documents.builder import TEXT_WIDTH_MM, Cell, OfficialDocument, chinese_date, one_line_mm
from rectify.documents.fonts import available_cjk_font
from rectify.findings.choices import Colour, FindingState
from rectify.findings.models import Finding
from rectify.findings.warning import local_today
from rectify.ledger.figures import ledger_figures
from rectify.rectification.choices import AMOUNT_METHODS, REJECTED_VERDICTS, Verdict
from rectify.rectification.models import ProgressReport, Verification

if TYPE_CHECKING:
    from rectify.accounts.models import User
    from rectify.audits.models import AuditProject
    from rectify.organizations.models import Organization

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZERO = Decimal("0.00")
CHINESE_NUMERALS = "〇一二三四五六七八九"
CLOSE_OUT_LINE_SCALE = 1.15


@dataclass(frozen=True)
class GeneratedDocument:
    filename: str  # Chinese, as users file it
    content: bytes
    ascii_filename: str = "document.docx"  # for clients that do not read filename*
    content_type: str = DOCX_CONTENT_TYPE


# --- Formatting -----------------------------------------------------------------------------------


def money(amount: Decimal | None, unit: str = "yuan") -> str:
    """An amount as a table cell shows it (356,800.00), through the one money format
    (``rectify.core.money.format_money``); ``unit="wan"`` in 万元 (430000 → 43.00)."""
    return format_money(amount or ZERO, unit)


def yuan(amount: Decimal | None) -> str:
    return f"{money(amount)}元"


def wan_yuan(amount: Decimal | None) -> str:
    """An amount in 万元 to two decimals (the unit of a report's amounts and totals): 430000 → 43.00万元."""
    return f"{money(amount, 'wan')}万元"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 100+ in digits (a list that long numbers its items)."""
    if n < 10:
        return CHINESE_NUMERALS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CHINESE_NUMERALS[tens]) + "十" + (CHINESE_NUMERALS[ones] if ones else "")
    return str(n)


def notice_name(project_name: str) -> str:
    """审计整改通知书 after the project's name, without saying 审计 twice (…专项审计整改通知书)."""
    return f"{project_name}{'整改通知书' if project_name.endswith('审计') else '审计整改通知书'}"


def safe_filename(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", name).strip(" ._") or "document"


def _date(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return chinese_date(value)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _requirement_lines(finding: Finding) -> list[str]:
    return [f"{r.number}．{r.text}" for r in finding.requirements.all()]


def _people(user: User | None) -> str:
    return user.display_name if user is not None else ""


# --- Shared queries -------------------------------------------------------------------------------


def _findings_for_documents(findings: QuerySet, *, published_only: bool = True) -> QuerySet:
    """(Published) findings with everything a document prints, fetched in a fixed number of queries."""
    if published_only:
        findings = findings.exclude(state=FindingState.DRAFT)
    return (
        findings.select_related(
            "project", "project__audit_office", "unit", "unit__competent_department", "category", "plan"
        )
        .prefetch_related(
            "requirements",
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.order_by("round")
                .select_related("verification")
                .prefetch_related("rules", "accountability", "evidence"),
            ),
            Prefetch(
                "verifications",
                queryset=Verification.objects.select_related("verifier").order_by("verified_at", "pk"),
            ),
        )
        .order_by("project__year", "ledger_number")
    )


def _rejected(report: ProgressReport) -> Verification | None:
    """The verification that voided this round (未整改 or 虚假整改), if any."""
    try:
        verification = report.verification
    except Verification.DoesNotExist:
        return None
    return verification if verification.verdict in REJECTED_VERDICTS else None


def _amounts_by_method(reports) -> list[tuple[str, Decimal]]:
    """Money rectified by method over the rounds that count: a rejected round's claim is void, as in
    the ledger's figures (ProgressReport.objects.counted())."""
    counted = [r for r in reports if _rejected(r) is None]
    return [(str(label), sum((getattr(r, field) for r in counted), ZERO)) for field, label in AMOUNT_METHODS]


def _latest(items):
    items = list(items)
    return items[-1] if items else None


# --- 审计整改通知书 ---------------------------------------------------------------------------------


def rectification_notice(user: User, project: AuditProject, unit: Organization | None = None) -> GeneratedDocument:
    """The rectification notice of a project: to its units (or to ``unit`` alone), listing each
    problem with its summary, description, amount, legal basis, requirements and deadline."""
    findings = Finding.objects.restrict(user).filter(project=project)
    if unit is not None:
        findings = findings.filter(unit=unit)
    findings = list(_findings_for_documents(findings))
    if not findings:
        raise ActionRefused(_("该项目没有可列入审计整改通知书的已下达问题。"), code="invalid_state")
    office = project.audit_office.name
    units = []
    for finding in findings:
        if finding.unit.name not in units:
            units.append(finding.unit.name)
    today = local_today()
    addressed = findings[0].unit if unit is None and len(units) == 1 else unit
    number = numbering.notice_number(project.audit_office, project, addressed, today.year)

    doc = OfficialDocument(subject=notice_name(project.name), author=office)
    doc.masthead(f"{office}文件", number.text)
    doc.title("审计整改通知书")
    doc.addressee(units)
    issued = f"，并于{_date(project.report_date)}出具了审计报告" if project.report_date else ""
    report_number = f"（{project.report_number}）" if project.report_number else ""
    doc.paragraph(
        f"根据《中华人民共和国审计法》及有关规定，{office}组织实施了{project.name}{issued}{report_number}。"
        f"现将审计查出的问题及整改要求通知如下，请你单位切实履行整改主体责任，"
        f"对照问题清单逐条逐项整改到位，并按期报送整改情况。"
    )
    doc.heading1("一、审计查出的问题及整改要求")
    for index, finding in enumerate(findings, start=1):
        doc.heading2(f"（{chinese_number(index)}）{finding.title}")
        doc.labelled("问题编号", finding.ledger_number)
        if len(units) > 1:
            doc.labelled("整改责任单位", finding.unit.name)
        doc.labelled("问题摘要", finding.title)
        doc.labelled("具体描述", finding.description)
        doc.labelled("涉及金额", yuan(finding.amount_involved))
        doc.labelled("定性依据", finding.legal_basis or "见审计报告")
        requirements = _requirement_lines(finding)
        doc.labelled("整改要求", requirements[0] if requirements else "—")
        for line in requirements[1:]:
            doc.paragraph(line)
        deadline = f"须于{_date(finding.deadline)}前完成整改" if finding.deadline else "按审计报告要求完成整改"
        doc.labelled("整改期限", f"{finding.get_kind_display()}，{deadline}。")
    doc.heading1("二、整改工作要求")
    doc.run_in_heading2(
        "（一）落实整改责任。",
        "被审计单位主要负责人是整改工作第一责任人，要制定整改方案，"
        "明确整改措施、责任部门、责任人和完成时限，逐项抓好落实。",
    )
    doc.run_in_heading2(
        "（二）按期报送整改情况。",
        "请在整改期限届满前，通过审计整改管理系统报送整改情况报告及佐证材料；"
        "分阶段整改、持续整改的事项，须报送整改时间表和路线图，并按要求持续报送整改进展，直至整改到位。",
    )
    doc.run_in_heading2(
        "（三）严肃整改纪律。",
        "未按期完成整改又无正当理由、整改不力或屡审屡犯的，将依规约谈单位主要负责人；"
        "虚假整改、拒不整改或阻碍整改检查的，将提请有关部门追责问责。",
    )
    doc.attachments(["审计查出问题清单"])
    doc.signature(office, today)
    doc.attachment_heading("附件", "审计查出问题清单")
    # Four columns so that 序号, a ledger number, an amount and a date each fit on one line in 4号.
    rows = [
        [
            str(index),
            "\n".join([f.ledger_number, f.title] + ([f"（{f.unit.name}）"] if len(units) > 1 else [])),
            money(f.amount_involved),
            f"{f.get_kind_display()}\n{_date(f.deadline) if f.deadline else '—'}",
        ]
        for index, f in enumerate(findings, start=1)
    ]
    # The amount column is as wide as the longest amount: a number never breaks across lines.
    amount_mm = max(32.0, one_line_mm(row[2] for row in rows))
    doc.table(
        ["序号", "问题编号及摘要", "涉及金额（元）", "整改类型及期限"],
        rows,
        [13, 65 - (amount_mm - 32), amount_mm, 46],
        align=["center", "left", "right", "center"],
    )
    # 抄送: the competent departments of the units, which supervise their rectification (source 二(二)).
    addressed_units = [f.unit for f in findings]
    copies = []
    for department in (u.competent_department for u in addressed_units if u.competent_department_id):
        if department.name not in copies and department.name not in units:
            copies.append(department.name)
    doc.imprint(f"{office}办公室", today, copies=copies)
    suffix = f"（{findings[0].unit.name}）" if unit is not None else ""
    return GeneratedDocument(
        safe_filename(f"{notice_name(project.name)}{suffix}") + ".docx",
        doc.to_bytes(),
        ascii_filename=f"rectification-notice-{project.pk}{f'-unit-{unit.pk}' if unit is not None else ''}.docx",
    )


# --- 对账销号单 -------------------------------------------------------------------------------------


def close_out_sheet(user: User, finding: Finding) -> GeneratedDocument:
    """The close-out sheet of a finding the auditor has verified: the finding, what the unit did and
    the money by method, the verdict and the amount the auditor accepted, with signature lines."""
    visible = Finding.objects.restrict(user).filter(pk=finding.pk)
    finding = _findings_for_documents(visible, published_only=False).first()
    if finding is None:
        raise ActionRefused(_("问题不存在，或不在您的职责范围内。"), code="not_found")
    verification = _latest(finding.verifications.all())
    if verification is None:
        raise ActionRefused(
            _("问题 %(number)s 尚未经审计机关核实认定，不能生成对账销号单。") % {"number": finding.ledger_number},
            code="invalid_state",
        )
    reports = list(finding.reports.all())
    amounts = _amounts_by_method(reports)
    total = sum((amount for _label, amount in amounts), ZERO)
    verified_report = verification.report
    measures = [f"整改措施：{verified_report.measures}", f"整改进展：{verified_report.progress}"]
    if verified_report.unfinished_reason:
        measures.append(f"未完成原因：{verified_report.unfinished_reason}")
    if len(reports) > 1:
        measures.insert(0, f"共报送{len(reports)}轮，以下为第{verified_report.round}轮：")
    voided = [f"第{r.round}轮" for r in reports if _rejected(r) is not None]
    if voided:
        measures.append(f"{'、'.join(voided)}经审计机关认定未整改到位，其报送的整改金额不予计入。")
    rules = _distinct_rules(reports)
    people = [p for report in reports for p in report.accountability.all()]
    closed = finding.state == FindingState.CLOSED
    project = finding.project

    doc = OfficialDocument(subject=f"{finding.ledger_number}对账销号单", author=project.audit_office.name)
    doc.title("审计查出问题整改对账销号单")

    def label(text: str, span: int = 1) -> Cell:
        return Cell(text, span=span, label=True)

    rows = [
        [label("问题编号"), Cell(finding.ledger_number), label("审计年度"), Cell(str(project.year))],
        [label("审计项目"), Cell(project.name, span=3)],
        [
            label("审计报告文号"),
            Cell(project.report_number or "—"),
            label("出具日期"),
            Cell(_date(project.report_date) if project.report_date else "—"),
        ],
        [label("整改责任单位"), Cell(finding.unit.name, span=3)],
        [label("问题摘要"), Cell(finding.title, span=3)],
        [label("问题描述"), Cell(finding.description, span=3)],
        [
            label("涉及金额（元）"),
            Cell(money(finding.amount_involved), align="right"),
            label("整改类型"),
            Cell(finding.get_kind_display()),
        ],
        [label("整改要求"), Cell("\n".join(_requirement_lines(finding)) or "—", span=3)],
        [label("整改情况"), Cell("\n".join(measures), span=3)],
        [label("佐证材料"), Cell(_evidence_text(reports), span=3)],
    ]
    for first, second in zip(amounts[0::2], amounts[1::2], strict=True):
        rows.append(
            [
                label(f"{first[0]}（元）"),
                Cell(money(first[1]), align="right"),
                label(f"{second[0]}（元）"),
                Cell(money(second[1]), align="right"),
            ]
        )
    rows += [
        [label("整改金额合计（元）"), Cell(money(total), align="right"), label("报送轮次"), Cell(str(len(reports)))],
        [
            label("制定完善制度"),
            Cell("\n".join(_rule_line(r) for r in rules) if rules else "无", span=3),
        ],
        [
            label("追责问责"),
            Cell("\n".join(_person_line(p) for p in people) if people else "无", span=3),
        ],
        [
            label("认定结论"),
            Cell(verification.get_verdict_display()),
            label("认定金额（元）"),
            Cell(money(verification.verified_amount), align="right"),
        ],
        [
            label("整改完整性"),
            Cell("完整" if verification.complete else "不完整"),
            label("整改合规性"),
            Cell("合规" if verification.compliant else "不合规"),
        ],
        [label("认定理由"), Cell(verification.reasons, span=3)],
        [
            label("核实人"),
            Cell(_people(verification.verifier)),
            label("认定日期"),
            Cell(_date(verification.verified_at)),
        ],
        [
            label("销号情况"),
            Cell(f"已销号（{_date(finding.closed_at)}）" if closed else f"未销号（{finding.get_state_display()}）"),
            label("填表日期"),
            Cell(chinese_date(local_today())),
        ],
        [
            Cell("被审计单位意见：\n\n负责人（签字）：        （盖章）\n年    月    日", span=2),
            Cell("审计机关意见：\n\n核实人（签字）：        （盖章）\n年    月    日", span=2),
        ],
    ]
    # One page with its signature block: the form's lines at 1.15 times 4号 rather than 1.5.
    # Labels of seven characters (涉及金额（元）) on one line, the ledger number whole on one line in
    # 4号, and values wide enough for an amount of hundreds of millions or a date on one line.
    doc.form(rows, [39, 41, 39, 37], line_scale=CLOSE_OUT_LINE_SCALE)
    return GeneratedDocument(
        safe_filename(f"{finding.ledger_number}对账销号单") + ".docx",
        doc.to_bytes(),
        ascii_filename=f"close-out-sheet-{safe_filename(finding.ledger_number)}.docx",
    )


def _distinct_rules(reports) -> list:
    """The rules adopted over the rounds, each once: a rule a unit reports again in a later round
    (same title and document number) is the same rule."""
    seen, rules = set(), []
    for report in reports:
        for rule in report.rules.all():
            key = (rule.title.strip().strip("《》"), (rule.document_number or "").strip())
            if key not in seen:
                seen.add(key)
                rules.append(rule)
    return rules


def _evidence_text(reports) -> str:
    rounds = []
    for report in reports:
        names = "、".join(e.original_name for e in report.evidence.all())
        if names:
            rounds.append(f"第{report.round}轮：{names}" if len(reports) > 1 else names)
    return "\n".join(rounds) or "无"


def _rule_line(rule) -> str:
    parts = [f"《{rule.title.strip('《》')}》"]
    if rule.document_number:
        parts.append(f"（{rule.document_number}）")
    if rule.adopted_on:
        parts.append(f"，{chinese_date(rule.adopted_on)}印发")
    return "".join(parts)


def _person_line(person) -> str:
    position = f"，{person.position}" if person.position else ""
    return f"{person.person_name}（{person.get_outcome_display()}{position}）"


# --- 整改情况报告 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """What a unit's report covers: the findings still open, and (unless ``open_only``) those closed
    out between ``start`` and ``end`` (local dates, both included)."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    open_only: bool = False

    @classmethod
    def this_year(cls, today: datetime.date | None = None) -> ReportPeriod:
        today = today or local_today()
        return cls(start=datetime.date(today.year, 1, 1), end=today)

    @classmethod
    def from_query(cls, params) -> ReportPeriod:
        """``?period=open``: the open findings only; ``?from=YYYY-MM-DD&to=YYYY-MM-DD``: the open ones and
        those closed in those dates (``from`` alone: up to today; ``to`` alone: from 1 January of its
        year); nothing: the open ones and those closed this year."""
        if (params.get("period") or "").strip() == "open":
            return cls(open_only=True)
        start, end = (_query_date(params, name) for name in ("from", "to"))
        if start is None and end is None:
            return cls.this_year()
        end = end or local_today()
        start = start or datetime.date(end.year, 1, 1)
        if start > end:
            raise ActionRefused(_("报告期的开始日期晚于结束日期。"))
        return cls(start=start, end=end)

    def select(self, findings: QuerySet) -> QuerySet:
        still_open = ~Q(state=FindingState.CLOSED)
        if self.open_only:
            return findings.filter(still_open)
        closed = Q(state=FindingState.CLOSED)
        if self.start is not None:
            closed &= Q(closed_at__gte=_local_midnight(self.start))
        if self.end is not None:
            closed &= Q(closed_at__lt=_local_midnight(self.end + datetime.timedelta(days=1)))
        return findings.filter(still_open | closed)

    def covers(self, moment: datetime.datetime) -> bool:
        day = timezone.localtime(moment).date()
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def rounds(self, reports: list[ProgressReport]) -> list[ProgressReport]:
        """The rounds of a finding the report lists: those reported in the period; for the open findings
        alone, the latest one (where the finding stands). Earlier rounds were in earlier reports."""
        if self.open_only:
            return reports[-1:]
        return [report for report in reports if self.covers(report.submitted_at)]

    def left_out(self, rounds: list[ProgressReport]) -> str:
        """Says which rounds of a finding the report does not list, and why."""
        names = "、".join(f"第{report.round}轮" for report in rounds)
        if self.open_only:
            return f"此前报送的{names}不再列出，本报告只列出最近一轮。"
        return f"{names}在报告期外报送，不在本报告中列出。"

    def describe(self) -> str:
        if self.open_only:
            return "本报告列出尚未销号的问题。"
        if self.start is None and self.end is None:
            return "本报告列出全部问题。"
        return f"本报告列出尚未销号的问题和{_date(self.start)}至{_date(self.end)}期间已销号的问题。"


def _query_date(params, name: str) -> datetime.date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ActionRefused(_("日期“%(value)s”无法识别，请按 YYYY-MM-DD 填写。") % {"value": value}) from None


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def unit_report(user: User, organization: Organization, period: ReportPeriod | None = None) -> GeneratedDocument:
    """A unit's rectification report assembled from its ledger: an overview with counts and amounts,
    then each finding with its measures, progress, amounts, rules, people held accountable and the
    auditor's verdict, then the next steps for what is still open. The ledger is the one the
    organization page shows: the unit and the units under it, as far as the user may see.

    ``period`` chooses the findings (ReportPeriod; by default the open ones and those closed this
    year), so that the report is not every closed finding's history; its totals are of those findings
    and in 万元."""
    from rectify.rectification.models import AccountabilityRecord

    period = period or ReportPeriod.this_year()
    scope = Finding.objects.restrict(user).filter(unit_id__in=organization.subtree_ids())
    if not scope.exclude(state=FindingState.DRAFT).exists():
        raise ActionRefused(
            _("%(unit)s没有已下达的审计查出问题，无需报告整改情况。") % {"unit": organization.name},
            code="invalid_state",
        )
    scope = period.select(scope)
    findings = list(_findings_for_documents(scope))
    if not findings:
        raise ActionRefused(
            _("%(unit)s在所选报告期内没有需要报告的审计查出问题。") % {"unit": organization.name},
            code="invalid_state",
        )
    published = scope.exclude(state=FindingState.DRAFT)
    figures = ledger_figures(published)
    rules_count = sum(len(_distinct_rules(f.reports.all())) for f in findings)  # a rule reported again is one
    people_count = AccountabilityRecord.objects.filter(report__finding__in=published.values("pk")).count()
    today = local_today()
    offices = []
    for finding in findings:
        if finding.project.audit_office.name not in offices:
            offices.append(finding.project.audit_office.name)
    several_units = len({f.unit_id for f in findings}) > 1

    doc = OfficialDocument(subject=f"{organization.name}关于审计查出问题整改情况的报告", author=organization.name)
    doc.title(organization.name, "关于审计查出问题整改情况的报告")
    doc.addressee(offices)
    doc.paragraph(
        "根据审计整改工作有关要求，现将我单位审计查出问题整改情况报告如下。"
        if not several_units
        else "根据审计整改工作有关要求，现将我单位及所属单位审计查出问题整改情况报告如下。"
    )
    doc.paragraph(period.describe())

    doc.heading1("一、总体情况")
    rate = f"，整改率{figures['rate']}%" if figures["rate"] is not None else ""
    states = {state: count for state, _label, count in figures["states"]}
    details = [
        f"{label}{count}个"
        for label, count in (
            ("待审计机关核实认定", states.get(FindingState.SUBMITTED, 0)),
            ("持续整改", states.get(FindingState.LONG_TERM, 0)),
            ("已超过整改期限", figures["colours"].get(Colour.RED, 0)),
        )
        if count
    ]
    doc.paragraph(
        f"截至{chinese_date(today)}，审计查出问题{figures['published']}个，已完成整改并销号{figures['closed']}个{rate}；"
        f"尚未销号{figures['open']}个" + (f"（其中{'、'.join(details)}）" if details else "") + "。"
    )
    by_method = "、".join(f"{label}{wan_yuan(amount)}" for _f, label, amount in figures["amount_by_method"] if amount)
    doc.paragraph(
        f"问题涉及金额{wan_yuan(figures['amount_involved'])}，已整改金额{wan_yuan(figures['amount_rectified'])}"
        + (f"（其中{by_method}）" if by_method else "")
        + f"，经审计机关认定的整改金额{wan_yuan(figures['amount_verified'])}。"
        f"通过整改制定完善制度{rules_count}项，追责问责{people_count}人。"
    )

    doc.paragraph("各问题整改情况见下表（金额单位：万元）。")
    _overview_table(doc, findings)

    doc.heading1("二、具体问题整改情况")
    for index, finding in enumerate(findings, start=1):
        _report_finding(doc, index, finding, several_units, period)

    doc.heading1("三、下一步工作")
    unfinished = [f for f in findings if f.state != FindingState.CLOSED]
    if unfinished:
        numbers = "、".join(f.ledger_number for f in unfinished)
        doc.paragraph(
            f"对尚未完成整改的{len(unfinished)}个问题（{numbers}），我单位将按照整改方案和时间表，"
            f"逐项压实责任、加快推进，按期报送整改进展，确保整改到位。"
        )
    doc.paragraph("我单位将举一反三，健全完善内部管理制度，建立长效机制，防止同类问题再次发生。")
    doc.signature(organization.name, today)
    return GeneratedDocument(
        safe_filename(f"{organization.name}整改情况报告") + ".docx",
        doc.to_bytes(),
        ascii_filename=f"rectification-report-{organization.pk}.docx",
    )


def _rectified(finding: Finding) -> Decimal:
    """What the unit has rectified of ``finding`` so far, over the rounds that count."""
    return sum((amount for _label, amount in _amounts_by_method(finding.reports.all())), ZERO)


def _overview_table(doc: OfficialDocument, findings: list[Finding]) -> None:
    """One row per finding, amounts in 万元, and the totals. The ledger number's column is as wide as
    the longest number, and amounts and states as wide as theirs: none of them breaks across lines."""
    rows, involved, rectified = [], ZERO, ZERO
    for finding in findings:
        done = _rectified(finding)
        involved += finding.amount_involved or ZERO
        rectified += done
        rows.append(
            [
                finding.ledger_number,
                finding.title,
                money(finding.amount_involved, "wan"),
                money(done, "wan"),
                finding.get_state_display(),
            ]
        )
    rows.append(["合计", f"{len(findings)}个问题", money(involved, "wan"), money(rectified, "wan"), ""])
    number_mm = one_line_mm([row[0] for row in rows] + ["问题编号"])
    amount_mm = max(one_line_mm(row[index] for row in rows) for index in (2, 3))
    state_mm = one_line_mm([row[4] for row in rows] + ["整改状态"])
    doc.table(
        ["问题编号", "问题摘要", "涉及金额（万元）", "已整改金额（万元）", "整改状态"],
        rows,
        [number_mm, TEXT_WIDTH_MM - number_mm - 2 * amount_mm - state_mm, amount_mm, amount_mm, state_mm],
        align=["left", "left", "right", "right", "center"],
    )


def _report_finding(
    doc: OfficialDocument, index: int, finding: Finding, several_units: bool, period: ReportPeriod
) -> None:
    reports = list(finding.reports.all())
    shown = period.rounds(reports)
    verification = _latest(finding.verifications.all())
    plan = getattr(finding, "plan", None)
    doc.heading2(f"（{chinese_number(index)}）{finding.title}")
    facts = f"问题编号{finding.ledger_number}，{finding.project.year}年{finding.project.name}查出"
    if several_units:
        facts += f"，整改责任单位{finding.unit.name}"
    deadline = f"，整改期限{_date(finding.deadline)}" if finding.deadline else ""
    doc.paragraph(
        f"{facts}；涉及金额{wan_yuan(finding.amount_involved)}；{finding.get_kind_display()}{deadline}；"
        f"当前状态：{finding.get_state_display()}。"
    )
    doc.labelled("问题描述", finding.description)
    requirements = _requirement_lines(finding)
    doc.labelled("整改要求", "；".join(requirements) + "。" if requirements else "—")
    if plan is not None:
        who = "、".join(x for x in (plan.responsible_department, plan.responsible_person) if x)
        doc.labelled(
            "整改方案",
            f"{plan.measures}（责任人：{who}；计划完成时间：{_date(plan.planned_completion)}）",
        )
    left_out = [report for report in reports if report not in shown]
    if left_out:
        doc.labelled("以往报送", period.left_out(left_out))
    if shown:
        for report in shown:
            rejected = _rejected(report)
            void = (
                f"（经审计机关认定为「{rejected.get_verdict_display()}」，本轮报送的整改金额不予计入）"
                if rejected is not None
                else ""
            )
            doc.labelled(
                f"第{report.round}轮报送（{_date(report.submitted_at)}）",
                f"整改措施：{report.measures.rstrip('。；')}；整改进展：{report.progress}".replace("\n", "") + void,
            )
        latest = shown[-1]
        if latest.unfinished_reason:
            doc.labelled("未完成原因", latest.unfinished_reason)
        if latest.next_steps and finding.state != FindingState.CLOSED:
            due = f"（时限：{_date(latest.next_steps_due)}）" if latest.next_steps_due else ""
            doc.labelled("下一步措施", latest.next_steps + due)
    elif reports:
        doc.labelled("整改进展", "报告期内未报送整改情况。")
    else:
        doc.labelled("整改进展", "尚未报送整改情况。")
    amounts = _amounts_by_method(reports)
    total = sum((amount for _label, amount in amounts), ZERO)
    detail = "、".join(f"{label}{wan_yuan(amount)}" for label, amount in amounts if amount)
    doc.labelled("整改金额", f"累计{wan_yuan(total)}" + (f"，其中{detail}" if detail else "") + "。")
    rules = _distinct_rules(reports)
    rules_text = f"{len(rules)}项：" + "、".join(_rule_line(r) for r in rules) + "。" if rules else "无。"
    doc.labelled("制定完善制度", rules_text)
    people = [p for report in reports for p in report.accountability.all()]
    people_text = f"{len(people)}人：" + "、".join(_person_line(p) for p in people) + "。" if people else "无。"
    doc.labelled("追责问责", people_text)
    if verification is None:
        doc.labelled("核实认定", "尚待审计机关核实认定。")
    else:
        closed = f"，已于{_date(finding.closed_at)}销号" if finding.state == FindingState.CLOSED else ""
        verdict = verification.get_verdict_display()
        doc.labelled(
            "核实认定",
            f"{_date(verification.verified_at)}经审计机关核实认定为「{verdict}」，认定整改金额"
            f"{wan_yuan(verification.verified_amount)}{closed}。认定理由：{verification.reasons}",
        )
    if verification is not None and verification.verdict == Verdict.FALSE_RECTIFICATION:
        doc.paragraph("该问题被认定为虚假整改，我单位将重新整改并配合有关部门依规追责问责。")


__all__ = [
    "DOCX_CONTENT_TYPE",
    "GeneratedDocument",
    "available_cjk_font",
    "close_out_sheet",
    "rectification_notice",
    "unit_report",
]
