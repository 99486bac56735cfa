"""``rectify generate --findings N``: a synthetic province (示范省) of N findings for measuring at scale."""

from __future__ import annotations

from django.core.management.base import CommandError

from rectify.core.commands import RectifyCommand
from rectify.generate import services
from rectify.generate.province import default_districts


class Command(RectifyCommand):
    help = "生成合成省份数据：省、市、区县三级，各区县的单位、账号、审计项目、问题及其整改记录（用于性能测试与分析）。"
    requires_system_checks = []
    lock_name = "generate"

    def add_command_arguments(self, parser):
        parser.add_argument("--findings", type=int, required=True, help="问题总条数")
        parser.add_argument(
            "--districts", type=int, default=None, help="区县个数（默认约每 10000 条问题一个区县，至少 2 个）"
        )
        parser.add_argument("--seed", type=int, default=services.DEFAULT_SEED, help="随机种子（相同种子生成相同数据）")
        parser.add_argument(
            "--repeat-rate", type=float, default=services.DEFAULT_REPEAT_RATE, help="屡审屡犯问题所占比例（默认 0.1）"
        )
        parser.add_argument("--batch", type=int, default=services.DEFAULT_BATCH, help="每批写入的问题条数")
        parser.add_argument("--jobs", type=int, default=1, help="并行生成区县的进程数（仅 PostgreSQL）")
        parser.add_argument(
            "--templates",
            type=int,
            default=None,
            help="逐条构建的区县个数，其余区县由它们复制改写（仅 PostgreSQL；默认每 50 个区县 1 个）",
        )
        parser.add_argument(
            "--catch-up", action="store_true", help="生成后补齐各问题的报送义务（与演示数据相同；默认留给定时任务）"
        )
        parser.add_argument(
            "--keep-indexes", action="store_true", help="加载期间保留二级索引（默认先删除、加载后重建）"
        )

    def run(
        self, *args, findings, districts, seed, repeat_rate, batch, jobs, keep_indexes, catch_up, templates, **options
    ):
        districts = districts or default_districts(findings)
        self.stdout.write(f"生成 {findings} 条问题，{districts} 个区县……")
        try:
            result = services.generate(
                findings=findings,
                districts=districts,
                seed=seed,
                repeat_rate=repeat_rate,
                batch=batch,
                jobs=jobs,
                rebuild_indexes=not keep_indexes,
                catch_up=catch_up,
                templates=templates,
                report=lambda message: self.stdout.write(f"  {message}"),
            )
        except services.GenerateError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"合成省生成完成：{result.cities} 个市、{result.districts} 个区县，问题 {result.findings} 条，"
                f"耗时 {result.seconds:.1f} 秒。"
            )
        )
        for name, count in sorted(result.counts.items()):
            self.stdout.write(f"  {name}: {count}")
