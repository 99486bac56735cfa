"""``rectify restore DIR``: a backup of ``rectify backup`` into a fresh database, checked against its manifest."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from rectify.core.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = "从备份目录恢复数据库和存储文件到新建的空数据库；先按清单核对每张表和每个文件，任何不符都不恢复。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", help="rectify backup 生成的备份目录")
        parser.add_argument("--check", action="store_true", help="只核对备份是否完整，不恢复")

    def handle(self, *args, directory: str, check: bool, **options) -> None:
        try:
            if check:
                manifest = verify(directory)
                self.stdout.write(
                    self.style.SUCCESS(f"备份完整：{len(manifest['tables'])} 张表，{len(manifest['files'])} 个文件。")
                )
                return
            verify(directory)  # before the database is touched
            call_command("migrate", interactive=False, verbosity=0)  # a fresh database gets its tables
            summary = restore(directory)
        except BackupError as refused:
            raise CommandError("未恢复：\n" + str(refused)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已从「{directory}」恢复：{summary.tables} 张表 {summary.rows} 行，{summary.files} 个文件，"
                "均与清单核对一致。"
            )
        )
