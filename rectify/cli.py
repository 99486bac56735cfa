"""The ``rectify`` console script: Django's management commands, plus ``serve``.

``rectify demo``, ``rectify import-ledger FILE`` … run the management command of the same name
(hyphens become underscores); ``rectify serve`` serves the site with gunicorn on HOST:PORT.
"""

from __future__ import annotations

import os
import sys


def _serve(args: list[str]) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    print(f"Rectify 审计整改管理系统: http://{host}:{port}/", flush=True)
    command = [
        sys.executable, "-m", "gunicorn", "rectify.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", workers, "--threads", "4",
        "--access-logfile", "-", *args,
    ]  # fmt: skip
    os.execv(sys.executable, command)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    import django

    django.setup()
    if argv and argv[0] == "serve":
        return _serve(argv[1:])
    from django.core.management import execute_from_command_line

    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["rectify", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
