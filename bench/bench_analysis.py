"""The analysis bench: quality of repeat proposals on the labeled evaluation set (precision, recall, MRR at
the configured threshold), then, for 100,000 generated findings (and 1,000,000 with
BENCH_ANALYSIS_MAX=1000000; other sizes with BENCH_ANALYSIS_SIZES=2000,20000), the similarity index's
build time, its size and peak memory, and the latency (p50, p95) of 200 similar-findings searches in a
fresh process that maps the index, as a web process does.

Texts: those of ``rectify generate``: read from the database when it holds a generated province of
enough findings (DATABASE_URL pointing to one, see run.py's SCALE); otherwise produced in memory by the
generator's own builders and text functions with its default seed (rectify.generate.corpus: the texts
``rectify generate --findings N`` would write), so no generated province is needed.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = tuple(int(size) for size in os.environ.get("BENCH_ANALYSIS_SIZES", "100000,1000000").split(","))
QUERIES = 200


def _generated(n: int, seed: int):
    """The texts ``rectify generate --findings n --seed seed`` writes, produced in memory with the generator's
    own builders and text functions (rectify.generate.corpus), without a province in the database."""
    from rectify.analysis.index import Doc
    from rectify.analysis.text import finding_text
    from rectify.generate import corpus

    for pk, t in enumerate(corpus.finding_texts(n, seed=seed), start=1):
        yield Doc(pk, t.unit, t.project, t.year, finding_text(t.title, t.description, t.requirements))


def _documents(n: int, seed: int):
    """The findings of the generated province in the database (SCALE/DATABASE_URL, see run.py) when it holds
    ``n`` of them; else the same texts produced in memory."""
    from rectify.findings.models import Finding
    from rectify.generate import services

    try:
        enough = services.is_generated() and Finding.objects.count() >= n
    except Exception:  # no database to read
        enough = False
    if enough:
        from rectify.analysis.services import documents

        def first_n():
            for i, doc in enumerate(documents()):
                if i >= n:
                    return
                yield doc

        return first_n(), "generated province in the database"
    return _generated(n, seed), "rectify generate's texts, in memory"


def _queries(from_database: bool) -> list[tuple[str, int]]:
    """What is searched, as new findings would be: findings of another generated province (another seed);
    with a generated province in the database, its findings sampled and stated again (texts.vary)."""
    from rectify.generate.services import DEFAULT_SEED

    if not from_database:
        return [(doc.text, doc.unit) for doc in _generated(QUERIES, seed=DEFAULT_SEED + 1)]
    from rectify.analysis.services import documents
    from rectify.findings.models import Finding
    from rectify.generate import texts

    rng = random.Random(DEFAULT_SEED)
    sample = rng.sample(list(Finding.objects.values_list("pk", flat=True)), QUERIES)
    return [
        (texts.vary(rng, doc.text, 1, opening=True), doc.unit)
        for doc in documents(Finding.objects.filter(pk__in=sample))
    ]


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
    from rectify.generate.services import DEFAULT_SEED

    docs, source = _documents(n, seed=DEFAULT_SEED)
    started = time.perf_counter()
    stats = index.write_segment(folder / "base", docs)
    built = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    queries = _queries(from_database=source.startswith("generated province"))
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
