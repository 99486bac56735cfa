"""The analysis bench: quality of repeat proposals on the labeled evaluation set (precision, recall, MRR at
the configured threshold), then, for 100,000 synthetic findings (and 1,000,000 with
BENCH_ANALYSIS_MAX=1000000), the similarity index's build time, its size and peak memory, and the
latency (p50, p95) of 200 similar-findings searches in a fresh process that maps the index, as a web
process does.

Texts: from the database when it holds enough findings (DATABASE_URL pointing to one made by
``rectify generate``); otherwise synthesised from the demo's templates (rectify/demo/texts.py) with
random amounts, dates, counts, sector words and place names, so no database is needed.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (100_000, 1_000_000)
QUERIES = 200


def _synthetic(n: int, seed: int):
    """``n`` findings' texts from the demo's templates, each with its own numbers and names."""
    from rectify.analysis.index import Doc
    from rectify.analysis.text import finding_text
    from rectify.demo import texts as T

    rng = random.Random(seed)
    sectors = list(T.SECTOR_WORDS.values())
    categories = [c for c in T.CATEGORY_TEXTS.values() if c.get("t") or c.get("t0")]
    syllables = "东南西北青石桥河山林花溪龙凤泉水坝岭沟坪湾塘田家寨堡岗营"
    places = ["".join(rng.choice(syllables) for _ in range(2)) + rng.choice("镇乡村街道社区") for _ in range(3000)]
    field = re.compile(r"\{(\w+)\}")

    def fill(template: str, words: dict) -> str:
        def value(match):
            key = match.group(1)
            if key in ("Y", "Yp", "year"):
                return str(rng.randint(2015, 2025))
            if key in ("amount", "part", "budget", "actual"):
                return f"{rng.randint(1, 9000)}.{rng.randint(0, 99)}万元"
            if key in ("n", "k", "m", "days", "pct", "area", "mu"):
                return str(rng.randint(2, 400))
            if key == "short":
                return rng.choice(places)
            choices = words.get(key) or T.WORDS.get(key)
            return rng.choice(choices) if choices else rng.choice(places)

        return field.sub(value, template)

    for pk in range(1, n + 1):
        category = rng.choice(categories)
        words = rng.choice(sectors)
        titles = category.get("t") or category.get("t0")
        descriptions = category.get("d") or category.get("d0") or titles
        i = rng.randrange(len(titles))
        title = fill(titles[i], words)
        description = rng.choice(places) + fill(descriptions[min(i, len(descriptions) - 1)], words)
        if rng.random() < 0.3:
            description += fill(rng.choice(T.DETAIL_SENTENCES), words)
        requirements = rng.sample(category["r"], k=min(len(category["r"]), rng.randint(1, 3)))
        yield Doc(pk, rng.randint(1, 2000), rng.randint(1, 20000), rng.randint(2015, 2025),
                  finding_text(title, description, requirements))  # fmt: skip


def _documents(n: int, seed: int):
    from rectify.findings.models import Finding

    try:
        enough = Finding.objects.count() >= n
    except Exception:  # no database to read: synthesise
        enough = False
    if enough:
        from rectify.analysis.services import documents

        def first_n():
            for i, doc in enumerate(documents()):
                if i >= n:
                    return
                yield doc

        return first_n(), "database"
    return _synthetic(n, seed), "synthetic (demo templates)"


QUERY_PROCESS = r"""
import json, resource, sys, time
import numpy as np
from pathlib import Path
from rectify.analysis import index
path, queries = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
def rss():
    # VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's over exec).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
found = index.Index(index.Segment.open(path), None)
found.search(queries[0][0], limit=10)  # the tokenizer's dictionary, loaded once per process
times = []
for text, unit in queries:
    start = time.perf_counter()
    found.search(text, limit=10, unit=unit, unit_first=10)
    times.append((time.perf_counter() - start) * 1000)
times = np.array(times)
print(json.dumps({"p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95)),
                  "max": float(times.max()), "rss": rss()}))
"""


def _measure(n: int) -> None:
    from rectify.analysis import index

    folder = Path(tempfile.mkdtemp(prefix="rectify-analysis-bench-"))
    docs, source = _documents(n, seed=n)
    started = time.perf_counter()
    stats = index.write_segment(folder / "base", docs)
    built = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    queries = [(doc.text, doc.unit) for doc in _synthetic(QUERIES, seed=n + 1)]
    query_file = folder / "queries.json"
    query_file.write_text(json.dumps(queries, ensure_ascii=False))
    answer = subprocess.run(
        [sys.executable, "-c", QUERY_PROCESS, str(folder / "base"), str(query_file)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    latency = json.loads(answer.stdout.strip().splitlines()[-1])
    mb = 1024 * 1024
    print(
        f"{n:>9,} findings ({source}): build {built:.1f} s (tokenise {stats['tokenise_seconds']:.1f} s, "
        f"matrix {stats['matrix_seconds']:.1f} s); {stats['terms']:,} terms, {stats['postings']:,} postings; "
        f"index {stats['bytes'] / mb:.0f} MB on disk (memory-mapped); peak RSS building {peak / mb:.0f} MB, "
        f"searching {latency['rss'] / mb:.0f} MB; query p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms, "
        f"max {latency['max']:.1f} ms over {QUERIES} queries",
        flush=True,
    )
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def run() -> None:
    from django.conf import settings

    from rectify.analysis.tests import evaluation

    threshold = settings.RECTIFY_REPEAT_THRESHOLD
    result = evaluation.evaluate(tempfile.mkdtemp(prefix="rectify-analysis-eval-"), threshold)
    print(
        f"labeled set ({result['pairs']} pairs): threshold {threshold:.2f}: precision {result['precision']:.3f}, "
        f"recall {result['recall']:.3f}, MRR {result['mrr']:.3f} "
        f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']}, tn {result['tn']})",
        flush=True,
    )
    largest = int(os.environ.get("BENCH_ANALYSIS_MAX", "100000"))
    for n in SIZES:
        if n <= largest:
            _measure(n)
    if largest < SIZES[-1]:
        print(f"(1,000,000 findings: run with BENCH_ANALYSIS_MAX={SIZES[-1]})")
