"""Load: concurrent users on the demo district over HTTP, while an import preview of a large workbook runs.

gunicorn serves a copy of the demo district (this bench's own database) on a loopback port of its own;
USERS threads (50), each a demo user's session, repeat the typical reads of their role (workbench, ledger,
a finding page, the API's ledger) for SECONDS (60), while the auditor uploads a workbook of IMPORT_ROWS
(5,000) new findings, built by the exchange writer, to the import preview again and again. Prints the
throughput, the median and 95th percentile latency per kind of request and the error count; exits
non-zero if any request failed (an HTTP status of 400 or above, or no answer).

Bounded in time and in count: ``RECTIFY_BENCH_LOAD_SECONDS``, ``RECTIFY_BENCH_LOAD_USERS``,
``RECTIFY_BENCH_LOAD_ROWS`` and ``RECTIFY_BENCH_LOAD_MAX_REQUESTS`` override the defaults. Run it alone
with ``make bench ONLY=load``.
"""

from __future__ import annotations

import collections
import datetime
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

SECONDS = float(os.environ.get("RECTIFY_BENCH_LOAD_SECONDS", "60"))
USERS = int(os.environ.get("RECTIFY_BENCH_LOAD_USERS", "50"))
IMPORT_ROWS = int(os.environ.get("RECTIFY_BENCH_LOAD_ROWS", "5000"))
MAX_REQUESTS = int(os.environ.get("RECTIFY_BENCH_LOAD_MAX_REQUESTS", "200000"))
TIMEOUT = 120  # seconds a single request may take before it counts as an error
# The demo accounts the users sign in as, in proportion (several users share one account's session).
ACCOUNTS = ["auditor"] * 4 + ["auditlead", "unit", "unit", "unithead", "dept", "dept", "finance", "orgdept"]
ROOT = Path(__file__).resolve().parent.parent


def _free_port(start: int = 8100) -> int:
    for port in range(start, start + 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port from 8100")


def _workbook(auditor, path: Path) -> None:
    """IMPORT_ROWS new findings of one of the auditor's projects, written by the exchange writer."""
    from rectify.audits.models import AuditProject
    from rectify.exchange import services
    from rectify.findings.models import Category

    project = AuditProject.objects.restrict(auditor, "act").prefetch_related("units").order_by("-year", "pk").first()
    units = list(project.units.all())
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    rows = [
        {
            "project": project.name,
            "report_number": project.report_number,  # names repeat in a generated district
            "category": f"{category.code} {category.name}",
            "title": f"压力测试导入问题{n}",
            "description": f"第{n}号导入问题：项目结余资金{n % 97 + 1}万元未按规定上缴财政。",
            "amount_involved": Decimal(f"{n * 7 % 100000}.50"),
            "requirements": ["上缴结余资金", "完善结余资金管理制度"],
            "kind": "immediate",
            "deadline": datetime.date.today() + datetime.timedelta(days=180),
            "unit": units[n % len(units)].name,
        }
        for n in range(IMPORT_ROWS)
    ]
    with path.open("wb") as handle:
        services.write_ledger(rows, handle, user=auditor)


def _reads(user) -> list[tuple[str, str]]:
    """(kind, address) of the typical reads of this user: workbench, ledger, finding pages, the API's ledger."""
    from rectify.findings.models import Finding

    ids = list(Finding.objects.restrict(user).exclude(state="draft").order_by("-pk").values_list("pk", flat=True)[:50])
    reads = [("workbench", "/workbench/"), ("ledger", "/ledger/"), ("ledger", "/ledger/?colour=red&sort=deadline")]
    reads += [("finding", f"/findings/{pk}/") for pk in ids[:20]]
    reads += [("api", "/api/findings/?page_size=50"), ("api", "/api/findings/?state=rectifying&page_size=20")]
    return reads


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter = collections.Counter()
        self.samples: list[str] = []
        self.count = 0

    def record(self, kind: str, seconds: float, error: str | None) -> bool:
        """Notes one request; False once the bound on the count is reached."""
        with self.lock:
            self.count += 1
            self.timings[kind].append(seconds * 1000)
            if error:
                self.errors[kind] += 1
                if len(self.samples) < 10:
                    self.samples.append(error)
            return self.count < MAX_REQUESTS


def _sign_in(base: str, username: str, password: str):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, (username, answer.status_code)
    api = session.post(f"{base}/api/auth/token/", json={"username": username, "password": password}, timeout=TIMEOUT)
    assert api.status_code == 200, (username, api.status_code, api.text[:200])
    return session.cookies.get_dict(), api.json()["token"]


def _user(base, cookies, token, reads, deadline, recorder, seed) -> None:
    import requests

    chooser = random.Random(seed)
    session = requests.Session()
    session.cookies.update(cookies)
    while time.monotonic() < deadline:
        kind, address = chooser.choice(reads)
        headers = {"Authorization": f"Token {token}"} if kind == "api" else {}
        started = time.perf_counter()
        try:
            response = session.get(base + address, headers=headers, timeout=TIMEOUT, allow_redirects=False)
            error = None if response.status_code < 400 else f"{response.status_code} {address}"
            if response.status_code in (301, 302):
                error = f"{response.status_code} {address} → {response.headers.get('Location')}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__} {address}"
        if not recorder.record(kind, time.perf_counter() - started, error):
            return


def _importer(base, cookies, workbook: Path, deadline, recorder, previews: list[float]) -> None:
    """The auditor previews the large workbook, again and again until the time is up (at least once)."""
    import requests

    session = requests.Session()
    session.cookies.update(cookies)
    while True:
        page = session.get(f"{base}/ledger/import/", timeout=TIMEOUT)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        started = time.perf_counter()
        error = None
        try:
            with workbook.open("rb") as handle:
                response = session.post(
                    f"{base}/ledger/import/",
                    data={"csrfmiddlewaretoken": csrf, "token": secrets.token_hex(16)},
                    files={"file": ("压力测试.xlsx", handle)},
                    headers={"Referer": f"{base}/ledger/import/"},
                    timeout=600,
                )
            if response.status_code != 200:
                error = f"{response.status_code} import preview"
            elif f"校验通过：将新建 {IMPORT_ROWS} 个问题" not in response.text:
                error = "import preview: the page does not show every row passing the checks"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__} import preview"
        seconds = time.perf_counter() - started
        previews.append(seconds)
        recorder.record("import preview", seconds, error)
        if time.monotonic() >= deadline:
            return


def _serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "RECTIFY_WORKER": "0", "HOST": "127.0.0.1", "PORT": str(port)}
    command = [
        sys.executable, "-m", "gunicorn", "rectify.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", os.environ.get("WEB_CONCURRENCY", "2"), "--threads", "8", "--timeout", "600",
        "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT)


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    import requests

    for _ in range(120):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn ended with {server.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def run() -> None:
    from django.conf import settings
    from django.core.management import call_command

    from rectify.accounts.models import User

    started = time.perf_counter()
    prefix = ""
    if os.environ.get("SCALE") or os.environ.get("RECTIFY_BENCH_SCALE"):
        # A generated province: the accounts of its first district (sy0101_auditor...), same roles as the demo's.
        prefix = User.objects.filter(username__endswith="_unit").order_by("username").first().username[:-4]
        print(f"generated province: the accounts {prefix}*", flush=True)
    else:
        call_command("demo", once=True, verbosity=0)
        print(f"demo district ready in {time.perf_counter() - started:.1f} s", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    users = {name: User.objects.get(username=prefix + name) for name in set(ACCOUNTS)}
    reads = {name: _reads(user) for name, user in users.items()}
    folder = Path(tempfile.mkdtemp(prefix="rectify-load-"))
    workbook = folder / "load.xlsx"
    _workbook(users["auditor"], workbook)
    print(f"workbook of {IMPORT_ROWS:,} rows: {workbook.stat().st_size / 1048576:.1f} MB", flush=True)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(port)
    try:
        _wait_until_up(base, server)
        password = settings.RECTIFY_DEMO_PASSWORD
        sessions = {name: _sign_in(base, prefix + name, password) for name in sorted(set(ACCOUNTS))}
        recorder = Recorder()
        previews: list[float] = []
        deadline = time.monotonic() + SECONDS
        threads = [
            threading.Thread(
                target=_importer, args=(base, sessions["auditor"][0], workbook, deadline, recorder, previews)
            )
        ]
        for n in range(USERS):
            name = ACCOUNTS[n % len(ACCOUNTS)]
            cookies, token = sessions[name]
            threads.append(
                threading.Thread(target=_user, args=(base, cookies, token, reads[name], deadline, recorder, n))
            )
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)

    reads_done = {kind: values for kind, values in recorder.timings.items() if kind != "import preview"}
    every = [value for values in reads_done.values() for value in values]
    errors = sum(recorder.errors.values())
    print(
        f"{USERS} users for {elapsed:.0f} s (bound {SECONDS:.0f} s, {MAX_REQUESTS:,} requests), gunicorn "
        f"{os.environ.get('WEB_CONCURRENCY', '2')} workers x 8 threads on loopback:",
        flush=True,
    )
    print(
        f"  {len(every):,} reads, {len(every) / elapsed:.1f} req/s; latency p50 {statistics.median(every):.0f} ms, "
        f"p95 {_percentile(every, 0.95):.0f} ms, max {max(every):.0f} ms"
    )
    for kind, values in sorted(reads_done.items()):
        print(
            f"  {kind:10s} {len(values):6,} requests  p50 {statistics.median(values):6.0f} ms  "
            f"p95 {_percentile(values, 0.95):6.0f} ms  errors {recorder.errors[kind]}"
        )
    print(
        f"  import preview of {IMPORT_ROWS:,} rows meanwhile: {len(previews)} run(s), "
        + ", ".join(f"{value:.1f} s" for value in previews)
        + f"; errors {recorder.errors['import preview']}"
    )
    print(f"errors: {errors}" + (f" (first: {recorder.samples})" if errors else ""), flush=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import summary

    workers = os.environ.get("WEB_CONCURRENCY", "2")
    who = f"{prefix}*" if prefix else "demo accounts"
    summary.record(
        page=f"load: {USERS} users, gunicorn {workers}×8, {len(every) / elapsed:.1f} req/s", who=who,
        p50=statistics.median(every), p95=_percentile(every, 0.95), target="no errors",
        status="OK" if not errors else "SLOW", check=f"{errors} errors",
    )  # fmt: skip
    for kind, values in sorted(reads_done.items()):
        summary.record(
            page=f"load: {kind} under load", who=who, p50=statistics.median(values),
            p95=_percentile(values, 0.95), target="—", status="—", check=f"{len(values)} requests",
        )  # fmt: skip
    if errors:
        raise SystemExit(1)
