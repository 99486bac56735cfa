"""``rectify import-ledger FILE --user USERNAME [--dry-run]``: the Excel ledger import from the console.

It runs the same service as the web's import job (``services.import_ledger``), directly, without the
queue; two runs never overlap (``lock_name``)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from rectify.core.commands import RectifyCommand
from rectify.core.request_context import request_id_context
from rectify.exchange import services


class _ConsoleProgress:
    """Shows how far the import has got on a terminal; silent otherwise."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.shown = False

    def step(self, phase: str, done: int, total: int) -> None:
        from rectify.exchange.progress import PHASES

        if done % 500 and done != total:
            return
        counter = f"{done}/{total}" if total else f"{done}"
        self.stream.write(f"\r{PHASES.get(phase, phase)} {counter}   ")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")


class Command(RectifyCommand):
    help = "从 Excel 导入整改台账：全部校验通过才保存，任何错误都逐一列出（工作表、行、列）。"
    needs_user = True
    lock_name = "import-ledger"

    def add_command_arguments(self, parser) -> None:
        parser.add_argument("file", help="台账文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只校验和预演，不保存")

    def get_actor(self, username: str | None):
        try:
            return super().get_actor(username)
        except CommandError:
            raise CommandError(f"没有用户「{username}」。") from None

    def run(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件「{file}」。")
        tracker = _ConsoleProgress(sys.stderr) if sys.stderr.isatty() else None
        # The history rows and events of this run carry one request id ("cmd-…"), as a web request's do.
        with request_id_context(prefix="cmd-"), path.open("rb") as handle:
            result = services.import_ledger(handle, self.actor, name=path.name, dry_run=dry_run, progress=tracker)
        for notice in result.notices:
            self.stdout.write(f"提示：{notice}")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"未导入：共 {len(result.errors)} 处错误，数据未作任何修改。")
        for plan in result.changed:
            for column, before, after in plan.shown:
                self.stdout.write(f"第 {plan.row} 行 {plan.ledger_number} {column}：{before} → {after}")
        summary = (
            f"新建 {len(result.created)} 个问题（草稿），修改 {len(result.changed)} 个问题，"
            f"{result.unchanged} 个问题无变化。"
        )
        if dry_run:
            self.stdout.write(f"试运行（未保存）：{result.rows} 行校验通过，将{summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"已导入「{path.name}」：{summary}"))
