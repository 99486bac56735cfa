"""``rectify rebuild-tallies``: recounts every summary row of the findings (after a bulk load, or to repair)."""

from __future__ import annotations

from rectify.core.commands import RectifyCommand
from rectify.tallies.services import rebuild


class Command(RectifyCommand):
    help = "重新统计问题汇总表（工作台和驾驶舱的统计数据），用于批量导入之后或修复。"
    lock_name = "rebuild-tallies"

    def run(self, *args, **options):
        rows = rebuild(report=lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write(self.style.SUCCESS(f"问题汇总表已重新统计：{rows} 行。"))
