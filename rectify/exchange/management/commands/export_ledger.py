"""``rectify export-ledger FILE [--user USERNAME] [--template] [filters]``: the ledger as an .xlsx file.

With ``--user`` the export holds what that user may see, as on the web; without it, the whole ledger
(the operator of the server sees the database anyway). The filters are the ledger page's.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.http import QueryDict

from rectify.core.commands import RectifyCommand
from rectify.core.routing import replica_reads
from rectify.exchange import services
from rectify.findings.choices import FindingState
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Category, Finding


class Command(RectifyCommand):
    help = "导出整改台账（Excel），或用 --template 生成空白模板。"
    needs_user = True
    user_required = False  # without it, the whole ledger (the operator of the server sees the database anyway)

    def add_command_arguments(self, parser) -> None:
        parser.add_argument("file", help="写入的文件（.xlsx）")
        parser.add_argument("--template", action="store_true", help="只生成空白模板")
        parser.add_argument("--year", type=int, help="审计年度")
        parser.add_argument("--state", action="append", default=[], help="状态（代码或名称，可重复）")
        parser.add_argument("--unit", help="责任单位（编号、名称或代码）")
        parser.add_argument("--project", type=int, help="审计项目编号")
        parser.add_argument("--kind", help="整改类型（代码或名称）")
        parser.add_argument("--category", help="问题类别代码")
        parser.add_argument("--colour", action="append", default=[], help="预警颜色 red/yellow/green（可重复）")
        parser.add_argument("--q", help="关键词")

    def run(self, *args, file: str, template: bool, **options) -> None:
        actor = self.actor
        if not file.lower().endswith(".xlsx"):
            raise CommandError("文件名须以 .xlsx 结尾。")
        if template:
            services.write_template(file, user=actor)
            self.stdout.write(self.style.SUCCESS(f"已生成台账模板：{file}"))
            return
        visible = Finding.objects.restrict(actor) if actor is not None else Finding.objects.all()
        filterset = FindingFilterSet(self._filters(options, actor), queryset=visible)
        if not filterset.is_valid():
            problems = "；".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            raise CommandError(f"筛选条件无效：{problems}")
        with replica_reads():  # on the replica where there is one (rectify.core.routing)
            count = services.export_ledger(filterset.qs, file, user=actor)
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 个问题：{file}"))

    def _filters(self, options, actor) -> QueryDict:
        from rectify.exchange.columns import KIND_CHOICES
        from rectify.organizations.models import Organization

        data = QueryDict(mutable=True)
        for name in ("year", "project", "q"):
            if options.get(name) not in (None, ""):
                data[name] = str(options[name])
        for value in options["state"]:
            codes = [code for code, label in FindingState.choices if value in (code, str(label))]
            if not codes:
                raise CommandError(f"未知的状态「{value}」。")
            data.appendlist("state", codes[0])
        for value in options["colour"]:
            data.appendlist("colour", value)
        if options.get("kind"):
            codes = [code for code, label in KIND_CHOICES if options["kind"] in (code, label)]
            if not codes:
                raise CommandError(f"未知的整改类型「{options['kind']}」。")
            data["kind"] = codes[0]
        if options.get("category"):
            category = Category.objects.filter(code=options["category"]).first()
            if category is None:
                raise CommandError(f"未知的问题类别代码「{options['category']}」。")
            data["category"] = str(category.pk)
        if options.get("unit"):
            units = Organization.objects.restrict(actor) if actor is not None else Organization.objects.all()
            value = options["unit"]
            found = list(
                units.filter(pk=int(value)) if value.isdigit() else units.filter(name=value) | units.filter(code=value)
            )
            if len(found) != 1:
                raise CommandError(f"找不到唯一的单位「{value}」。")
            data["unit"] = str(found[0].pk)
        return data
