"""`make bench`: runs every bench/bench_*.py module's run() and prints its figures.

Each module runs in a process of its own against a throwaway database, migrated once; the module loads
what it needs. The throwaway database is a new PostgreSQL database on the server RECTIFY_BENCH_POSTGRES
names (default postgresql://postgres@127.0.0.1:5432), dropped after the module, so that the floors (the
bare SQL of bench/floors.py, PostgreSQL's) run beside the pages; SQLite in a temporary folder, without
floors, if that server does not answer or RECTIFY_BENCH_POSTGRES=0; DATABASE_URL's database if set.
Every module adds its figures to one summary (bench/summary.py), printed as a table at the end.

``make bench SCALE=N`` (or RECTIFY_BENCH_SCALE=N) measures on a generated province instead: DATABASE_URL
must name a PostgreSQL database; if it holds no generated province yet, ``rectify generate --findings N``
builds it first (once: later runs reuse it, so create the database anew for another N). The modules that
know the generated province (SCALED: bench_pages) run, signed in as its accounts instead of loading the
demo; ONLY names others to run them against that database too.
"""

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def run_module(name: str) -> None:
    import warnings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    os.environ.setdefault("RECTIFY_VAR_DIR", tempfile.mkdtemp(prefix="rectify-bench-"))
    os.environ.setdefault("RECTIFY_DEMO_MODE", "1")  # the bench signs in as the demo accounts
    sys.path.insert(0, str(ROOT.parent))
    import django
    from django.core.management import call_command

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    path = ROOT / f"bench_{name}.py"
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print(f"== {name} ==", flush=True)
    module.run()


# The modules that measure the generated province when SCALE is set (the others load the demo district
# into the database they are given, which is not what a scale run wants; name them with ONLY to run them).
SCALED = ["pages", "exchange", "load"]


def scale() -> int:
    """The number of generated findings to measure on (0: the demo district, as usual)."""
    return int(os.environ.get("SCALE") or os.environ.get("RECTIFY_BENCH_SCALE") or 0)


def ensure_generated(findings: int) -> None:
    """The generated province of ``findings`` findings in DATABASE_URL's database, built if missing."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT.parent))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from rectify.findings.models import Finding
    from rectify.generate import services

    if services.is_generated():
        print(f"generated province present: {Finding.objects.count()} findings (asked {findings})", flush=True)
        return
    call_command("generate", findings=findings, jobs=2)


def throwaway_postgres(name: str) -> str | None:
    """A new PostgreSQL database for one module's run at the demo size (the floors are PostgreSQL SQL), on
    the server RECTIFY_BENCH_POSTGRES names (default: postgresql://postgres@127.0.0.1:5432; "0": none,
    SQLite as before); None if that server does not answer."""
    server = os.environ.get("RECTIFY_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
    if server in ("", "0"):
        return None
    try:
        import psycopg

        database = f"rectify_bench_{name}_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
            admin.execute(f'CREATE DATABASE "{database}"')
    except Exception as exc:  # no server, no right to create: SQLite, with the floors left out
        print(f"(no throwaway PostgreSQL database: {exc}; SQLite, without floors)", flush=True)
        return None
    return f"{server}/{database}"


def drop_postgres(url: str) -> None:
    import psycopg

    server, database = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> int:
    if os.environ.get("RECTIFY_BENCH_CHILD"):
        run_module(sys.argv[1])
        return 0
    names = sys.argv[1:] or [p.stem.removeprefix("bench_") for p in sorted(ROOT.glob("bench_*.py"))]
    if scale() and not sys.argv[1:]:
        names = [name for name in names if name in SCALED]
    if scale():
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            print("SCALE=N needs DATABASE_URL naming a PostgreSQL database (createdb first).", file=sys.stderr)
            return 2
        # The var folder `rectify generate` used by default (the settings' own default): it holds the field key
        # the generated accounts' personal fields are sealed with, and the evidence files.
        os.environ.setdefault("RECTIFY_VAR_DIR", str(ROOT.parent / "var"))
        os.environ.setdefault("RECTIFY_DEMO_MODE", "1")
        subprocess.check_call([sys.executable, "-c", f"import run; run.ensure_generated({scale()})"], cwd=ROOT)
    # Every module adds its figures to one summary, printed at the end (bench/summary.py).
    handle, path = tempfile.mkstemp(prefix="rectify-bench-summary-", suffix=".jsonl")
    os.close(handle)
    os.environ["RECTIFY_BENCH_SUMMARY"] = path
    failed = 0
    for name in names:
        env = {**os.environ, "RECTIFY_BENCH_CHILD": "1"}
        database = None
        if not scale():
            env["RECTIFY_VAR_DIR"] = tempfile.mkdtemp(prefix="rectify-bench-")
            if not os.environ.get("DATABASE_URL"):
                database = throwaway_postgres(name)
                if database:
                    env["DATABASE_URL"] = database
        try:
            failed |= subprocess.call([sys.executable, __file__, name], env=env)
        finally:
            if database:
                drop_postgres(database)
    sys.path.insert(0, str(ROOT))
    import summary

    summary.print_table(path)
    os.unlink(path)
    return failed


if __name__ == "__main__":
    sys.exit(main())
