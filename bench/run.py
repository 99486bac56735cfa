"""`make bench`: runs every bench/bench_*.py module's run() and prints its figures.

Each module runs in a process of its own against a throwaway database (SQLite in a temporary
folder unless DATABASE_URL says otherwise), migrated once; the module loads what it needs.
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


def main() -> int:
    names = sys.argv[1:] or [p.stem.removeprefix("bench_") for p in sorted(ROOT.glob("bench_*.py"))]
    if len(names) == 1:
        run_module(names[0])
        return 0
    failed = 0
    for name in names:
        env = {**os.environ, "RECTIFY_VAR_DIR": tempfile.mkdtemp(prefix="rectify-bench-")}
        failed |= subprocess.call([sys.executable, __file__, name], env=env)
    return failed


if __name__ == "__main__":
    sys.exit(main())
