"""``rectify worker``: writes the schedule declared in code, then runs the job queue's worker."""

from django.core.management import call_command

from rectify.core.commands import AlreadyRunning, RectifyCommand, exclusive
from rectify.core.jobs import sync_schedules


class Command(RectifyCommand):
    help = "运行后台任务队列（定时任务、提醒、通知发送、大批量导入）。"

    def run(self, *args, **options):
        # Several workers start at once on several hosts: one writes the schedule, the others find it written.
        try:
            with exclusive("jobs.sync_schedules"):
                names = sync_schedules()
            self.stdout.write(f"定时任务 {len(names)} 项：{', '.join(names)}")
        except AlreadyRunning:
            self.stdout.write("另一个任务进程正在写入定时任务表。")
        call_command("qcluster")
