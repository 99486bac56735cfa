"""Writes one official document to a file, as a named user would download it (and optionally its PDF).

manage.py render_document notice 3 --user auditor --output notice.docx [--unit 12] [--pdf]
manage.py render_document close-out-sheet 41 --user auditor --output sheet.docx
manage.py render_document unit-report 7 --user unit --output report.docx --pdf [--period open | --from … --to …]
"""

from pathlib import Path

from django.core.management.base import CommandError

from rectify.audits.models import AuditProject
from rectify.core.commands import RectifyCommand
from rectify.core.exceptions import ActionRefused
from rectify.documents import pdf as conversion
from rectify.documents import services
from rectify.findings.models import Finding
from rectify.organizations.models import Organization

KINDS = ("notice", "close-out-sheet", "unit-report")


class Command(RectifyCommand):
    help = "生成公文（.docx，GB/T 9704-2012 版式）：审计整改通知书、对账销号单或单位整改情况报告。"
    needs_user = True

    def add_command_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("pk", type=int, help="项目、问题或单位的 id")
        parser.add_argument("--unit", type=int, help="通知书只列该单位的问题")
        parser.add_argument("--period", choices=["open"], help="报告只列尚未销号的问题")
        parser.add_argument("--from", dest="date_from", help="报告列入此日（YYYY-MM-DD）起销号的问题")
        parser.add_argument("--to", dest="date_to", help="报告列入此日（YYYY-MM-DD）前销号的问题")
        parser.add_argument("--output", help="输出文件（默认为公文的中文文件名）")
        parser.add_argument("--pdf", action="store_true", dest="to_pdf", help="同时用 LibreOffice 转换为 PDF")

    def run(self, *args, kind, pk, unit=None, output=None, to_pdf=False, **options):
        actor = self.actor
        try:
            period = services.ReportPeriod.from_query(
                {"period": options.get("period"), "from": options.get("date_from"), "to": options.get("date_to")}
            )
            document = self._generate(actor, kind, pk, unit, period)
        except ActionRefused as refusal:
            raise CommandError(refusal.messages[0]) from refusal
        target = Path(output or document.filename)
        target.write_bytes(document.content)
        self.stdout.write(str(target))
        if to_pdf:
            try:
                (converted,) = conversion.convert_to_pdf([target], target.parent)
            except conversion.ConversionError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(str(converted))

    @staticmethod
    def _generate(
        actor, kind: str, pk: int, unit_pk: int | None, period: services.ReportPeriod
    ) -> services.GeneratedDocument:
        def fetch(model, key):
            found = model.objects.restrict(actor).filter(pk=key).first()
            if found is None:
                raise CommandError(
                    f"{model._meta.verbose_name} {key} 不存在，或不在用户「{actor.username}」的职责范围内。"
                )
            return found

        if kind == "notice":
            unit = fetch(Organization, unit_pk) if unit_pk else None
            return services.rectification_notice(actor, fetch(AuditProject, pk), unit)
        if kind == "close-out-sheet":
            return services.close_out_sheet(actor, fetch(Finding, pk))
        return services.unit_report(actor, fetch(Organization, pk), period)
