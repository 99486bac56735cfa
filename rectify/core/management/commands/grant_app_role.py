"""``rectify grant-app-role NAME``: gives the application's PostgreSQL role its privileges, no more.

Run as the role that owns the tables, after ``rectify migrate``. The application then connects as NAME
(RECTIFY_DATABASE_URL): no DDL, no TRUNCATE, and only SELECT and INSERT on the security log.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import connection, transaction

from rectify.core import database_roles
from rectify.core.commands import RectifyCommand


class Command(RectifyCommand):
    help = "授予应用数据库角色所需权限（不含 DDL、TRUNCATE，安全审计日志只读写入）"

    def add_command_arguments(self, parser):
        parser.add_argument("role", help="the application's database role (it must exist)")
        parser.add_argument("--print", action="store_true", dest="print_only", help="only print the SQL")

    def run(self, *args, role: str, print_only: bool = False, **options):
        if print_only:
            for statement in database_roles.grant_statements(role):
                self.stdout.write(statement + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError("数据库角色仅适用于 PostgreSQL。Database roles exist on PostgreSQL only.")
        with transaction.atomic():
            statements = database_roles.grant_application_role(role)
        self.stdout.write(f"{len(statements)} statements applied for role {role}.")
