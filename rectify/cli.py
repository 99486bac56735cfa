"""The ``rectify`` console script: Django's management commands, plus ``serve``.

``rectify demo``, ``rectify import-ledger FILE`` … run the management command of the same name
(hyphens become underscores); ``rectify serve`` serves the site with gunicorn on HOST:PORT and runs
the job queue's worker beside it; ``rectify worker`` runs the worker alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _serve(args: list[str]) -> int:
    """gunicorn on HOST:PORT and, beside it, the job queue's worker (unless RECTIFY_WORKER=0, for a
    production host where the worker runs as a service of its own). Ends both when either ends."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    print(f"Rectify 审计整改管理系统: http://{host}:{port}/", flush=True)
    web = [
        sys.executable, "-m", "gunicorn", "rectify.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", workers, "--threads", "4",
        "--access-logfile", "-", *args,
    ]  # fmt: skip
    if os.environ.get("RECTIFY_WORKER", "1").strip().lower() in {"0", "false", "no", "off"}:
        os.execv(sys.executable, web)
    console = os.path.join(os.path.dirname(sys.executable), "rectify")
    worker = [console, "worker"] if os.path.exists(console) else [sys.executable, "-m", "rectify.cli", "worker"]
    return _supervise([subprocess.Popen(web), subprocess.Popen(worker)])


def _supervise(children: list[subprocess.Popen]) -> int:
    """Waits for the first child to end (or for a signal), then stops the others."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        code = next(child.returncode for child in children if child.poll() is not None)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return code or 0


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
