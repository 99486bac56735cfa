"""``rectify backup DIR``: every table and every stored file, with a manifest of row counts and SHA-256."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rectify.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和全部存储文件（佐证材料等）到新的目录，附每张表行数和每个文件 SHA-256 的清单。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", help="备份目录（新建或空目录）")

    def handle(self, *args, directory: str, **options) -> None:
        try:
            summary = backup(directory)
        except BackupError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到「{directory}」：{summary.tables} 张表 {summary.rows} 行，"
                f"{summary.files} 个文件（{summary.bytes} 字节）。"
            )
        )
