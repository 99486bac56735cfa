"""``rectify demo``: loads the demo district (重庆市 › 黔江区) with five audit years of findings."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from rectify.core.commands import RectifyCommand
from rectify.demo import services
from rectify.findings.choices import Colour, FindingState


class Command(RectifyCommand):
    help = "加载演示数据：黔江区的单位、账号、五个审计年度的审计项目、问题及其整改记录。"
    # `make run` runs migrate (with the system checks) just before; skipping them here saves a second.
    requires_system_checks = []
    lock_name = "demo"

    def add_command_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="演示区已存在时什么也不做（make run 每次都这样调用）")
        parser.add_argument("--seed", type=int, default=services.DEFAULT_SEED, help="随机种子（相同种子生成相同数据）")
        parser.add_argument(
            "--findings",
            type=int,
            default=services.DEFAULT_FINDINGS,
            help=f"问题条数（默认 {services.DEFAULT_FINDINGS}，审计项目数随之调整）",
        )

    def run(self, *args, once: bool, seed: int, findings: int, **options):
        if services.is_loaded():
            if once:
                self.stdout.write("演示区（黔江区）已存在，未重复加载。")
                return
            raise CommandError(
                "演示区（黔江区）已存在。演示数据只能加载一次（不删除任何数据）；如需重建请使用新的数据库。"
            )
        try:
            summary = services.load_demo(seed=seed, findings=findings)
        except services.DemoError as error:
            raise CommandError(str(error)) from error
        states = "，".join(
            f"{FindingState(state).label} {summary.by_state.get(state, 0)}" for state in FindingState.values
        )
        colours = "，".join(f"{Colour(c).label} {summary.by_colour.get(c, 0)}" for c in Colour.values)
        self.stdout.write(
            self.style.SUCCESS("演示区（重庆市黔江区）加载完成。")
            + f"\n  单位 {summary.organizations} 个，账号 {summary.users} 个，审计项目 {summary.projects} 个"
            + f"\n  问题 {summary.findings} 条：{states}"
            + f"\n  预警：{colours}；屡审屡犯 {summary.repeats} 条"
            + f"\n  整改报告 {summary.reports} 份，核实认定 {summary.verifications} 次，时间线事件 {summary.events} 条"
            + "\n  演示账号：auditor、auditlead、unit、unithead、dept、orgdept、discipline、finance、committee、gov、"
            + "congress、sysadmin、secadmin、logaudit（密码见 RECTIFY_DEMO_PASSWORD）"
            + f"\n  耗时 {summary.seconds:.1f} 秒"
        )
        if not settings.RECTIFY_DEMO_MODE:
            self.stdout.write(
                self.style.WARNING("演示账号仅在演示模式下可以登录：请设置 RECTIFY_DEMO_MODE=1（make run 已设置）。")
            )
