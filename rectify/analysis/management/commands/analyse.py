"""``rectify analyse``: builds the similar-findings index now (the worker rebuilds it nightly), computes
the clusters, and with ``--propose-existing`` proposes repeats for the findings that were in the ledger
before the analysis came in (new findings get their proposals from the index's refresh)."""

from __future__ import annotations

from rectify.core.commands import RectifyCommand


class Command(RectifyCommand):
    help = "Rebuilds the similarity index and the clusters; --propose-existing proposes repeats for existing findings."
    lock_name = "analysis"

    def add_command_arguments(self, parser) -> None:
        parser.add_argument(
            "--propose-existing", action="store_true", help="为已有问题提出屡审屡犯建议（新录入的问题由索引刷新处理）"
        )
        parser.add_argument("--since-year", type=int, default=None, help="只处理该年度及以后审计项目的问题")
        parser.add_argument("--no-clusters", action="store_true", help="不重新计算问题聚类")

    def run(self, *args, **options) -> None:
        from rectify.analysis import jobs, services

        stats = services.rebuild()
        self.stdout.write(f"相似问题索引已重建：{stats}")
        if not options["no_clusters"]:
            self.stdout.write(f"问题聚类已重新计算：{jobs.compute_clusters()} 个")
        if options["propose_existing"]:
            result = services.propose_for_existing(
                since_year=options["since_year"],
                progress=lambda done, total: self.stdout.write(f"  {done}/{total}"),
            )
            self.stdout.write(f"已为 {result['findings']} 条问题检索，新提出屡审屡犯建议 {result['proposed']} 条。")
