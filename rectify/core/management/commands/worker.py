"""``rectify worker``: writes the schedule declared in code, then runs the job queue's worker."""

from django.core.management import call_command

from rectify.core.commands import RectifyCommand
from rectify.core.jobs import sync_schedules


class Command(RectifyCommand):
    help = "运行后台任务队列（定时任务、提醒、通知发送、大批量导入）。"

    def run(self, *args, **options):
        names = sync_schedules()
        self.stdout.write(f"定时任务 {len(names)} 项：{', '.join(names)}")
        call_command("qcluster")
