"""``rectify sweep [--date YYYY-MM-DD]``: the daily sweep of reporting obligations, now."""

import datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from rectify.core.commands import RectifyCommand
from rectify.reporting.sweep import sweep


class Command(RectifyCommand):
    help = _("巡查报送义务：到期提醒、逾期提醒和问责建议（每日自动运行，可手动补跑）。")

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("按指定日期巡查（YYYY-MM-DD），默认今天"), default=None)

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(_("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": options["date"]}) from error
        result = sweep(day)
        self.stdout.write(result.summary())
