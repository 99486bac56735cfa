"""``rectify rebuild-denormalized``: every finding's year, jurisdiction, money and last report, recounted."""

from __future__ import annotations

from django.db import connection, transaction

from rectify.core.commands import RectifyCommand
from rectify.rectification.denormalized import rebuild_denormalized


class Command(RectifyCommand):
    help = "重新计算各问题的冗余字段（审计年度、行政区域、整改金额、认定金额、最近报送时间），与原始记录一致。"
    lock_name = "rebuild-denormalized"

    def run(self, *args, **options):
        with transaction.atomic():
            changed = rebuild_denormalized()
        if connection.vendor == "postgresql" and any(changed.values()):
            # The rows rewritten leave as many dead versions behind: reclaimed, and the planner told.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) findings_finding")
        self.stdout.write(f"已更新：年度与行政区域 {changed['placement']} 条，金额与报送时间 {changed['amounts']} 条。")
