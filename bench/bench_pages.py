"""Server time of every page on the demo district, per role: median and 95th percentile over runs.

Target: every page within 300 ms on this machine. Run with `make bench` (or `python bench/run.py pages`).
With `make bench SCALE=N` (see run.py) the pages are those of the generated province, for the auditor
of the province (who sees everything), of a district, a unit and a department.
"""

import os
import statistics
import time

from django.core.management import call_command
from django.test import Client

RUNS = 15
TARGET_MS = 300


def _pages(user) -> list[str]:
    from rectify.audits.models import AuditProject
    from rectify.findings.models import Finding
    from rectify.findings.scopes import sees_rows
    from rectify.organizations.models import Organization

    if not sees_rows(user):  # figures only (the government, the committee): no ledger, no finding pages
        return ["/workbench/", "/dashboard/", "/dashboard/?year=2024"]

    finding = Finding.objects.restrict(user).exclude(state="draft").order_by("-pk").first()
    closed = Finding.objects.restrict(user).filter(state="closed").order_by("-pk").first()
    project = AuditProject.objects.restrict(user).order_by("-year").first()
    organization = (
        user.organization if Organization.objects.restrict(user).filter(pk=user.organization_id).exists() else None
    )
    pages = [
        "/workbench/",
        "/ledger/",
        "/ledger/?colour=red&sort=deadline",
        "/ledger/?q=资金&state=rectifying&state=long_term",
        "/dashboard/",
        "/dashboard/?year=2024",
        "/projects/",
    ]
    if Finding.objects.restrict(user).count() > 100:
        pages.append("/ledger/?page=3")
    if finding:
        pages += [f"/findings/{finding.pk}/", f"/findings/{finding.pk}/print/"]
    if closed:
        pages.append(f"/findings/{closed.pk}/")
    if project:
        pages.append(f"/projects/{project.pk}/")
    if organization:
        pages.append(f"/organizations/{organization.pk}/")
    return pages


def run() -> None:
    from rectify.accounts.models import User
    from rectify.findings.models import Finding

    started = time.perf_counter()
    if os.environ.get("SCALE") or os.environ.get("RECTIFY_BENCH_SCALE"):
        from rectify.generate.province import PROVINCE

        district = User.objects.filter(username__endswith="_unit").order_by("username").first().username[:-5]
        top = PROVINCE[1].lower()
        # The government sees figures only (its /ledger/ leads to the workbench), so it is left out here.
        usernames = (f"{top}_auditor", f"{district}_auditor", f"{district}_unit", f"{district}_dept")
        print(f"generated province: {Finding.objects.count()} findings")
    else:
        call_command("demo", once=True, verbosity=0)
        usernames = ("auditor", "unit", "dept", "gov")
        print(f"demo district ready in {time.perf_counter() - started:.1f} s; findings: {Finding.objects.count()}")
    slow = []
    for username in usernames:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)  # the sign-in lockout (django-axes) needs a request that login() does not pass
        print(f"-- {username}")
        for url in _pages(user):
            client.get(url)  # warm caches
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            median = statistics.median(timings)
            p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
            flag = "" if p95 <= TARGET_MS else "  SLOW"
            if flag:
                slow.append((username, url, p95))
            print(f"{url:55s} median {median:7.1f} ms   p95 {p95:7.1f} ms{flag}")
    print(f"pages over {TARGET_MS} ms at p95: {len(slow)}")
