"""The Excel ledger: export time and peak memory for 100,000 rows, preview and import times for 10,000 rows.

Runs against the throwaway database bench/run.py prepares. The 100,000 findings are written with
bulk_create (the export only reads them). The 10,000 imported rows go through the real paths: the
preview as the upload page runs it (``import_ledger(dry_run=True)``: no write, no lock), then the
import as the web's confirmation runs it, the job ``rectify.exchange.jobs.run_import`` reading the
kept upload, called here directly as a worker calls it: every row checked by ``build_finding`` and
written with bulk inserts in batches, with requirements, events and history, in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

EXPORT_ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
# Shaped like the demo district scaled up: about 13.5 findings a project (the demo's 2,000 findings in 148
# projects; 7,407 projects for 100,000), each auditing one competent department whose units answer.
PROJECTS = int(os.environ.get("BENCH_EXPORT_PROJECTS", str(max(20, EXPORT_ROWS * 2 // 27))))
DEPARTMENTS = 100
UNITS_PER_DEPARTMENT = 5


def _world():
    """One district; each project audits one department, whose subordinate units answer for the findings."""
    from rectify.accounts.choices import RoleCode
    from rectify.accounts.models import Role, User
    from rectify.audits.choices import AuditType
    from rectify.audits.models import AuditProject
    from rectify.organizations.choices import JurisdictionLevel, OrganizationKind
    from rectify.organizations.models import Jurisdiction, Organization

    district = Jurisdiction.objects.create(name="基准区", code="BN", level=JurisdictionLevel.DISTRICT)
    office = Organization.objects.create(
        name="基准区审计局", code="BN-AUDIT", jurisdiction=district, kind=OrganizationKind.AUDIT_OFFICE
    )
    auditor = User.objects.create(username="bench-auditor", full_name="基准审计员", organization=office)
    auditor.roles.set(Role.objects.filter(code=RoleCode.AUDITOR))
    departments = []
    for n in range(DEPARTMENTS):
        department = Organization.objects.create(
            name=f"基准区第{n + 1:03d}主管部门",
            code=f"BN-D{n:03d}",
            jurisdiction=district,
            kind=OrganizationKind.COMPETENT_DEPARTMENT,
            head_name="李四",
        )
        units = Organization.objects.bulk_create(
            Organization(
                name=f"基准区第{n + 1:03d}部门下属第{u + 1}单位",
                code=f"BN-D{n:03d}-U{u}",
                jurisdiction=district,
                kind=OrganizationKind.AUDITED_UNIT,
                competent_department=department,
                head_name="张三",
            )
            for u in range(UNITS_PER_DEPARTMENT)
        )
        departments.append((department, units))
    projects = AuditProject.objects.bulk_create(
        AuditProject(
            jurisdiction=district,
            audit_office=office,
            year=2016 + n % 10,
            sequence=n + 1,
            type=AuditType.BUDGET_EXECUTION,
            name=f"{2016 + n % 10}年度基准区预算执行审计项目{n + 1}",
            started_on=datetime.date(2016 + n % 10, 3, 1),
        )
        for n in range(PROJECTS)
    )
    through = AuditProject.units.through
    through.objects.bulk_create(
        through(auditproject_id=project.pk, organization_id=departments[n % DEPARTMENTS][0].pk)
        for n, project in enumerate(projects)
    )
    return auditor, [(project, departments[n % DEPARTMENTS][1]) for n, project in enumerate(projects)]


def _bulk_findings(auditor, projects, count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from rectify.findings.choices import FindingState, Kind
    from rectify.findings.models import Category, Finding, Requirement

    categories = list(Category.objects.filter(parent__isnull=False))
    states = [FindingState.ISSUED, FindingState.RECTIFYING, FindingState.SUBMITTED, FindingState.CLOSED]
    kinds = list(Kind.values)
    per_project = count // len(projects) + 1
    batch: list[Finding] = []

    def flush():
        Finding.objects.bulk_create(batch)
        batch.clear()

    made = 0
    for p, (project, units) in enumerate(projects):
        for sequence in range(1, per_project + 1):
            if made >= count:
                break
            batch.append(
                Finding(
                    project=project,
                    # Bulk inserts bypass save(): the copies of the project's year and jurisdiction (which the
                    # scope reads) are set here, as build_finding sets them.
                    year=project.year,
                    jurisdiction_id=project.jurisdiction_id,
                    unit=units[sequence % len(units)],
                    ledger_number=f"BN-{project.year}-{p + 1:05d}-{sequence:05d}",
                    sequence=sequence,
                    title=f"基准问题{made}：专项资金未按规定用途使用",
                    description=f"第{made}号问题：2024年度专项资金{sequence}万元被挪作他用，未履行审批程序，违反预算管理规定。",
                    category=categories[made % len(categories)],
                    amount_involved=Decimal(f"{made * 13 % 1000000}.{made % 100:02d}"),
                    kind=kinds[made % len(kinds)],
                    deadline=datetime.date(2025, 6, 30) + datetime.timedelta(days=made % 300),
                    state=states[made % len(states)],
                    created_by=auditor,
                )
            )
            made += 1
            if len(batch) >= 10000:
                flush()
    if batch:
        flush()
    # Two requirements per finding, written by the database in one statement each.
    now = timezone.now()
    with connection.cursor() as cursor:
        for number, text in ((1, "清理违规资金并归还原渠道"), (2, "建立健全相关管理制度")):
            cursor.execute(
                f"INSERT INTO {Requirement._meta.db_table} (created, last_updated, finding_id, number, text) "
                f"SELECT %s, %s, id, %s, %s FROM {Finding._meta.db_table}",
                [now, now, number, text],
            )
        # The statistics the planner reads, as after any bulk load (``rectify generate`` ends with ANALYZE too):
        # without them, whether autovacuum has come by yet decides the import's plans (the lookup of rows already
        # recorded scanned the whole jurisdiction's findings, 50 ms a batch, when the table looked empty).
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def _rss_now_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(work) -> dict:
    """Runs ``work`` in a forked process and reports its result, its time and how far its resident
    memory rose above where it started (the peak, from getrusage): the export's own footprint, apart
    from everything the parent had already allocated."""
    from django.db import connections

    connections.close_all()  # each process opens its own connection
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read_end)
            base = _rss_now_mb()
            started = time.perf_counter()
            result = work()
            elapsed = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            report = {"result": result, "seconds": elapsed, "base_mb": base, "peak_mb": peak}
            os.write(write_end, json.dumps(report).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        raise RuntimeError("the export failed in its child process")
    return json.loads(data)


class _PhaseClock:
    """A progress listener that notes when each phase of the import starts."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.cpu = 0.0
        self.phases: dict[str, float] = {}

    def step(self, phase: str, done: int, total: int) -> None:
        self.phases.setdefault(phase, time.perf_counter() - self.started)

    def finish(self) -> None:
        self.phases.setdefault("end", time.perf_counter() - self.started)


def _scaled() -> bool:
    return bool(os.environ.get("SCALE") or os.environ.get("RECTIFY_BENCH_SCALE"))


def _generated():
    """On a generated province: the auditor whose scope is nearest EXPORT_ROWS findings (the province's
    when it holds about that many, else a city's or a district's), and for the import a district's
    auditor with its latest project and the units answering for that project's findings."""
    from django.db.models import Count

    from rectify.accounts.models import User
    from rectify.audits.models import AuditProject
    from rectify.findings.models import Finding
    from rectify.organizations.models import Jurisdiction

    auditors = sorted(  # the province's first: on a tie, the one who sees the most
        User.objects.filter(username__regex=r"^[a-z0-9]+_auditor$").select_related("organization"),
        key=lambda user: (len(user.username), user.username),
    )
    best = None
    for user in auditors:
        ids = Jurisdiction.objects.get(pk=user.organization.jurisdiction_id).subtree_ids()
        count = Finding.objects.filter(project__jurisdiction_id__in=ids).count()
        if best is None or abs(count - EXPORT_ROWS) < abs(best[1] - EXPORT_ROWS):
            best = (user, count)
    district = User.objects.filter(username__endswith="_unit").order_by("username").first().username[:-5]
    importer = User.objects.get(username=f"{district}_auditor")
    project = (
        AuditProject.objects.filter(jurisdiction_id=importer.organization.jurisdiction_id)
        .annotate(n=Count("findings"))
        .filter(n__gt=0)
        .order_by("-year", "-n")
        .first()
    )
    unit_ids = set(Finding.objects.filter(project=project).values_list("unit_id", flat=True))
    from rectify.organizations.models import Organization

    return best[0], project, list(Organization.objects.filter(pk__in=unit_ids).order_by("pk")), importer


def run() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import floors
    import summary
    from django.db import connection, transaction

    from rectify.exchange import services
    from rectify.findings.filters import FindingFilterSet
    from rectify.findings.models import Category, Finding

    started = time.perf_counter()
    if _scaled():
        auditor, project, units, importer = _generated()
        print(f"generated province: export as {auditor.username}, import as {importer.username} into {project.name}")
    else:
        auditor, projects = _world()
        _bulk_findings(auditor, projects, EXPORT_ROWS)
        project, units = projects[0]
        importer = auditor
        print(
            f"setup: {EXPORT_ROWS:,} findings in {len(projects):,} projects with bulk_create "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    postgres = connection.vendor == "postgresql"
    schema = floors.Schema.detect() if postgres else None

    # Export: what /ledger/export.xlsx does, filters included (none here), into a temporary file.
    def export() -> dict:
        findings = FindingFilterSet({}, queryset=Finding.objects.restrict(auditor)).qs
        with tempfile.TemporaryFile() as handle:
            count = services.export_ledger(findings, handle, user=auditor)
            return {"rows": count, "bytes": handle.tell()}

    export_floor = None
    if postgres:
        floor_started = time.perf_counter()
        floor_rows = floors.run_floor(floors.export_rows(floors.scope_for(auditor, schema), schema))[0]
        export_floor = time.perf_counter() - floor_started
        print(f"export floor: {floor_rows:,} rows read by the bare SQL in {export_floor:.1f} s", flush=True)
    who = auditor.username
    if hasattr(os, "fork"):
        report = _in_child(export)
        rows, size = report["result"]["rows"], report["result"]["bytes"]
        elapsed = report["seconds"]
        memory = report["peak_mb"] - report["base_mb"]
        print(
            f"export {rows:,} rows: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), file {size / 1048576:.1f} MB; "
            f"peak memory {memory:.0f} MB above the process's "
            f"{report['base_mb']:.0f} MB at start (getrusage ru_maxrss, in a forked process)",
            flush=True,
        )
    else:  # no fork: measure in this process with tracemalloc (slower, Python allocations only)
        tracemalloc.start()
        started = time.perf_counter()
        rows = export()["rows"]
        elapsed = time.perf_counter() - started
        memory = tracemalloc.get_traced_memory()[1] / 1048576
        tracemalloc.stop()
        print(f"export {rows:,} rows: {elapsed:.1f} s, peak Python memory {memory:.1f} MB (tracemalloc)")
    ratio = elapsed / export_floor if export_floor else None
    summary.record(
        page=f"export {rows:,} rows (time)", who=who, p50=elapsed, p95=elapsed, floor_p95=export_floor, ratio=ratio,
        unit="s", target="<20 s", status="OK" if elapsed < 20 else "SLOW",
    )  # fmt: skip
    summary.record(
        page=f"export {rows:,} rows (peak memory)", who=who, p50=memory, p95=memory, unit="MB", target="<300 MB",
        status="OK" if memory < 300 else "SLOW",
    )  # fmt: skip

    # Preview and import: IMPORT_ROWS new rows of one project, through the preview and the import job.
    rows = [
        {
            "project": project.name,
            "report_number": project.report_number,  # names repeat in a generated district
            "category": "0301 专项资金未按规定用途使用",
            "title": f"导入问题{n}：结余资金未上缴",
            "description": f"第{n}号导入问题：项目结余资金{n % 97 + 1}万元未按规定上缴财政。",
            "amount_involved": Decimal(f"{n * 7 % 100000}.50"),
            "requirements": ["上缴结余资金", "完善结余资金管理制度"],
            "kind": "immediate",
            "deadline": datetime.date(2026, 12, 31),
            "unit": units[n % len(units)].name,
        }
        for n in range(IMPORT_ROWS)
    ]
    import_floor = None
    if postgres:
        category = Category.objects.get(code="0301")
        floor = floors.import_rows(
            IMPORT_ROWS, project_id=project.pk, unit_ids=[u.pk for u in units], category_id=category.pk,
            user_id=importer.pk, year=project.year, jurisdiction_id=project.jurisdiction_id,
        )  # fmt: skip
        floor_started = time.perf_counter()
        floors.run_floor(floor)
        import_floor = time.perf_counter() - floor_started
        print(
            f"import floor: {IMPORT_ROWS:,} findings with their requirements inserted, rolled back: {import_floor:.1f} s"  # noqa: E501
        )
    # On a generated province the imported rows are rolled back at the end, so the database stays as generated.
    with transaction.atomic() if _scaled() else contextlib.nullcontext(), tempfile.TemporaryFile() as handle:
        services.write_ledger(rows, handle, user=importer)
        size = handle.tell()
        handle.seek(0)
        started, cpu = time.perf_counter(), time.process_time()
        preview = services.import_ledger(handle, importer, name="bench.xlsx", dry_run=True)
        previewed, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert (
            preview.ok
            and len(preview.created) == IMPORT_ROWS
            and not Finding.objects.filter(title__startswith="导入问题")
        ), preview.errors[:5]
        print(
            f"preview {IMPORT_ROWS:,} new rows ({size / 1048576:.1f} MB): {previewed:.1f} s "
            f"({IMPORT_ROWS / previewed:,.0f} rows/s; read + check + every row's rules, no write, no lock; "
            f"CPU {preview_cpu:.1f} s)",
            flush=True,
        )
        handle.seek(0)
        imported, clock, outcome = _import_as_the_job(handle, importer)
        assert outcome["ok"] and outcome["created"] == IMPORT_ROWS, outcome["errors"][:5]
        assert Finding.objects.filter(title__startswith="导入问题").count() == IMPORT_ROWS
        assert Finding.history.filter(title__startswith="导入问题").count() == IMPORT_ROWS
        handle.seek(0)
        started = time.perf_counter()
        again = services.import_ledger(handle, importer, name="bench.xlsx")
        reimported = time.perf_counter() - started
        assert again.ok and not again.created and not again.changed, again.errors[:5]
        if _scaled():
            transaction.set_rollback(True)
    print(
        f"import {IMPORT_ROWS:,} new rows ({size / 1048576:.1f} MB): {imported:.1f} s "
        f"({IMPORT_ROWS / imported:,.0f} rows/s; the job: read + check + bulk inserts in batches of "
        f"{services.APPLY_BATCH}, one transaction)",
        flush=True,
    )
    checked = clock.phases.get("apply", imported)
    print(
        f"  of which reading and checking the file {checked:.1f} s, "
        f"building and writing the rows {imported - checked:.1f} s; "
        f"CPU time of the process {clock.cpu:.1f} s (the rest is waiting for the machine's other work)",
        flush=True,
    )
    print(f"  re-import of the same file (nothing to change): {reimported:.1f} s", flush=True)
    who = importer.username
    summary.record(
        page=f"import preview {IMPORT_ROWS:,} rows", who=who, p50=previewed, p95=previewed, floor_p95=None, unit="s",
        target="—", status="—",
    )  # fmt: skip
    summary.record(
        page=f"import {IMPORT_ROWS:,} rows", who=who, p50=imported, p95=imported, floor_p95=import_floor,
        ratio=imported / import_floor if import_floor else None, unit="s", target="<15 s",
        status="OK" if imported < 15 else "SLOW",
        note="the import floor writes the findings and their requirements only (no checks, events, history)",
    )  # fmt: skip


def _import_as_the_job(handle, auditor) -> tuple[float, _PhaseClock, dict]:
    """Keeps the file as the preview page does and runs the import job on it as a worker would."""
    import uuid

    from django.core.files import File

    from rectify.exchange import jobs, services

    path, digest = services.stash_upload(File(handle, name="bench.xlsx"))
    clock = _PhaseClock()
    step = jobs._JobProgress.step

    def timed_step(self, phase: str, done: int, total: int) -> None:
        clock.step(phase, done, total)
        step(self, phase, done, total)

    jobs._JobProgress.step = timed_step
    try:
        clock.started = time.perf_counter()
        cpu = time.process_time()
        outcome = jobs.run_import(
            path=path, sha256=digest, name="bench.xlsx", user_id=auditor.pk, token=uuid.uuid4().hex
        )
        elapsed = time.perf_counter() - clock.started
        clock.cpu = time.process_time() - cpu
    finally:
        jobs._JobProgress.step = step
    return elapsed, clock, outcome
