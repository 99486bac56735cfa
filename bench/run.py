"""`make bench`: runs every bench/bench_*.py module's run() and prints its figures."""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT.parent))
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
