"""`make bench`: runs every bench/bench_*.py module's run() and prints its figures."""

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main() -> int:
    """Benchmarks run against a throwaway database (SQLite in a temporary folder unless
    DATABASE_URL says otherwise), migrated once; each module loads what it needs."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    os.environ.setdefault("RECTIFY_VAR_DIR", tempfile.mkdtemp(prefix="rectify-bench-"))
    sys.path.insert(0, str(ROOT.parent))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    only = set(sys.argv[1:])
    for path in sorted(ROOT.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {name} ==", flush=True)
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
