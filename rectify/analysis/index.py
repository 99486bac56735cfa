"""The similarity index: TF-IDF cosine over impact-ordered postings, on disk, memory-mapped.

A *segment* is a folder of ``.npy`` files:

- ``terms.npy``: the vocabulary, sorted (fixed-width unicode, looked up with ``searchsorted``);
- ``idf.npy`` (float32), ``indptr.npy`` (int64): term ``t``'s postings are ``[indptr[t], indptr[t+1])``;
- ``post_doc.npy`` (int32 document numbers) and ``post_impact.npy`` (float32): each posting's share of
  the document's L2-normalised TF-IDF vector, sorted by impact, highest first, within each term
  (a term × document matrix in CSR order, i.e. the CSC matrix of document × term);
- ``doc_pk.npy``, ``doc_unit.npy``, ``doc_project.npy`` (int32), ``doc_year.npy`` (int16).

The score of a document for a query is the cosine of their TF-IDF vectors (sublinear tf, smoothed idf),
in [0, 1]. Query pruning: a term reads at most ``POSTINGS_CAP`` postings, its highest impacts, so a
very common word costs no more than a rare one and the latency does not grow with common words.

The *base* segment is rebuilt by a job; findings entered or changed since go to a small *delta*
segment (built with the base's idf), which overrides the base's row of a changed finding. A file
``CURRENT.json`` names the segments in use; web processes re-read it when it changes (one ``stat``
per query) and map the segments read-only.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rectify.analysis.text import MAX_TERM, tokens

POSTINGS_CAP = 4_000
# A query keeps its terms of highest weight (tf x idf) only: a whole finding's text has a hundred terms,
# most of them common and light; the heaviest decide the match.
QUERY_TERMS = 48
TERM_DTYPE = f"<U{MAX_TERM}"


@dataclass
class Doc:
    pk: int
    unit: int
    project: int
    year: int
    text: str


def _tf_weight(count: int) -> float:
    return 1.0 + math.log(count)


def _vector(terms: list[str]) -> Counter:
    return Counter(terms)


def write_segment(directory: Path, docs: Iterable[Doc], *, idf_of=None) -> dict:
    """Tokenises ``docs`` and writes a segment into ``directory``. ``idf_of(terms) -> idf array``, when
    given, supplies the idf (a delta uses its base's); otherwise the segment's own documents do."""
    started = time.perf_counter()
    vocabulary: dict[str, int] = {}
    term_parts: list[np.ndarray] = []
    tf_parts: list[np.ndarray] = []
    lengths: list[int] = []
    pks, units, projects, years = [], [], [], []
    for doc in docs:
        counts = _vector(tokens(doc.text))
        ids = np.fromiter(
            (vocabulary.setdefault(t, len(vocabulary)) for t in counts), dtype=np.int32, count=len(counts)
        )
        term_parts.append(ids)
        tf_parts.append(np.fromiter((_tf_weight(c) for c in counts.values()), dtype=np.float32, count=len(counts)))
        lengths.append(len(counts))
        pks.append(doc.pk)
        units.append(doc.unit)
        projects.append(doc.project)
        years.append(doc.year)
    tokenised = time.perf_counter()
    n_docs = len(pks)
    # Sorted vocabulary: term ids become ranks, so that a query looks terms up with searchsorted.
    names = np.array(list(vocabulary), dtype=TERM_DTYPE) if vocabulary else np.array([], dtype=TERM_DTYPE)
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    names = names[order]
    term = rank[np.concatenate(term_parts)] if term_parts else np.zeros(0, np.int32)
    tf = np.concatenate(tf_parts) if tf_parts else np.zeros(0, np.float32)
    del term_parts, tf_parts
    doc = np.repeat(np.arange(n_docs, dtype=np.int32), np.asarray(lengths, dtype=np.int64))
    if idf_of is None:
        df = np.bincount(term, minlength=len(names)).astype(np.float64)
        idf = (np.log((n_docs + 1.0) / (df + 1.0)) + 1.0).astype(np.float32)
    else:
        idf = idf_of(names).astype(np.float32)
    weight = tf * idf[term]
    norm = np.sqrt(np.bincount(doc, weights=weight.astype(np.float64) ** 2, minlength=n_docs)).astype(np.float32)
    norm[norm == 0] = 1.0
    impact = (weight / norm[doc]).astype(np.float32)
    del weight, tf
    # Order postings by term, then by impact descending: a uint64 key (float32 bits are monotonic for >= 0).
    key = (term.astype(np.uint64) << np.uint64(32)) | (np.uint64(0xFFFFFFFF) - impact.view(np.uint32).astype(np.uint64))
    order = np.argsort(key, kind="stable")
    del key
    post_doc = doc[order]
    post_impact = impact[order]
    indptr = np.zeros(len(names) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term, minlength=len(names)), out=indptr[1:])
    del order, doc, impact, term
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {
        "terms": names,
        "idf": idf,
        "indptr": indptr,
        "post_doc": post_doc,
        "post_impact": post_impact,
        "doc_pk": np.asarray(pks, dtype=np.int32),
        "doc_unit": np.asarray(units, dtype=np.int32),
        "doc_project": np.asarray(projects, dtype=np.int32),
        "doc_year": np.asarray(years, dtype=np.int16),
    }
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", array)
    finished = time.perf_counter()
    stats = {
        "docs": n_docs,
        "terms": len(names),
        "postings": len(post_doc),
        "bytes": int(sum(a.nbytes for a in arrays.values())),
        "tokenise_seconds": round(tokenised - started, 3),
        "matrix_seconds": round(finished - tokenised, 3),
    }
    (directory / "meta.json").write_text(json.dumps(stats))
    return stats


@dataclass
class Segment:
    path: Path
    terms: np.ndarray
    idf: np.ndarray
    indptr: np.ndarray
    post_doc: np.ndarray
    post_impact: np.ndarray
    doc_pk: np.ndarray
    doc_unit: np.ndarray
    doc_project: np.ndarray
    doc_year: np.ndarray
    meta: dict = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path) -> Segment:
        def load(name: str) -> np.ndarray:
            return np.load(path / f"{name}.npy", mmap_mode="r")

        return cls(
            path=path,
            terms=load("terms"),
            idf=load("idf"),
            indptr=load("indptr"),
            post_doc=load("post_doc"),
            post_impact=load("post_impact"),
            doc_pk=load("doc_pk"),
            doc_unit=load("doc_unit"),
            doc_project=load("doc_project"),
            doc_year=load("doc_year"),
            meta=json.loads((path / "meta.json").read_text()),
        )

    @property
    def size(self) -> int:
        return len(self.doc_pk)

    @property
    def nbytes(self) -> int:
        return (
            sum(
                getattr(self, name).nbytes
                for name in ("terms", "idf", "indptr", "post_doc", "post_impact", "doc_pk", "doc_unit", "doc_project")
            )
            + self.doc_year.nbytes
        )

    def lookup(self, names: list[str]) -> np.ndarray:
        """Term ids of ``names`` (-1 for a term not in the vocabulary)."""
        if not len(self.terms) or not names:
            return np.full(len(names), -1, dtype=np.int64)
        wanted = np.array(names, dtype=TERM_DTYPE)
        at = np.searchsorted(self.terms, wanted)
        at = np.minimum(at, len(self.terms) - 1)
        found = self.terms[at] == wanted
        return np.where(found, at, -1)

    def idf_of(self, names: np.ndarray) -> np.ndarray:
        """The idf of ``names`` by this segment (an unknown term: as rare as can be)."""
        ids = self.lookup(list(names))
        rare = math.log((self.size + 1.0) / 2.0) + 1.0
        known = np.asarray(self.idf)[np.maximum(ids, 0)]
        return np.where(ids >= 0, known, rare).astype(np.float32)

    def scores(self, query: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, cosine) of the documents sharing a term with ``query`` (term -> weight,
        already normalised by the caller)."""
        names = list(query)
        ids = self.lookup(names)
        docs, parts = [], []
        for name, term_id in zip(names, ids, strict=True):
            if term_id < 0:
                continue
            start, end = int(self.indptr[term_id]), int(self.indptr[term_id + 1])
            end = min(end, start + POSTINGS_CAP)
            docs.append(self.post_doc[start:end])
            parts.append(self.post_impact[start:end] * np.float32(query[name]))
        if not docs:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        # Accumulate in a per-thread array as long as the segment, touching only the postings read (no
        # work over the whole segment per query): within a term the documents are distinct, so a plain
        # fancy-indexed add is exact; each document is collected once, when first reached; the touched
        # entries are read, then zeroed for the next query.
        accumulator = self._accumulator()
        try:
            reached = []
            for d, w in zip(docs, parts, strict=True):
                reached.append(d[accumulator[d] == 0.0])  # every weight is > 0: zero is a document not yet reached
                accumulator[d] += w
            touched = np.concatenate(reached)
            scores = accumulator[touched]
            accumulator[touched] = 0.0
        except BaseException:
            _local.__dict__.pop("accumulators", None)  # left dirty: the next query starts afresh
            raise
        return touched, scores

    def _accumulator(self) -> np.ndarray:
        local = _local.__dict__.setdefault("accumulators", {})
        key = (str(self.path), self.size)
        if key not in local:
            if len(local) >= 4:  # segments replaced since
                local.clear()
            local[key] = np.zeros(self.size, dtype=np.float32)
        return local[key]


_local = threading.local()


def query_vector(text: str, idf: Segment | None) -> dict[str, float]:
    """The L2-normalised TF-IDF weights of ``text``'s terms, by the base segment's idf."""
    counts = _vector(tokens(text))
    if not counts or idf is None:
        return {}
    names = list(counts)
    weights = np.array([_tf_weight(counts[n]) for n in names], dtype=np.float64) * idf.idf_of(np.array(names))
    # Normalised over every term (the cosine stays comparable), then only the heaviest terms are read.
    norm = float(np.sqrt((weights**2).sum())) or 1.0
    kept = np.argsort(-weights, kind="stable")[:QUERY_TERMS]
    return {names[i]: float(weights[i] / norm) for i in kept}


@dataclass
class Hit:
    pk: int
    unit: int
    project: int
    year: int
    score: float


class Index:
    """The base segment and the delta in use."""

    def __init__(self, base: Segment | None, delta: Segment | None, stamp: float = 0.0) -> None:
        self.base = base
        self.delta = delta
        self.stamp = stamp
        self._superseded = None
        if base is not None and delta is not None and delta.size:
            # A finding in the delta replaces its row of the base.
            self._superseded = np.flatnonzero(np.isin(np.asarray(base.doc_pk), np.asarray(delta.doc_pk)))

    @property
    def size(self) -> int:
        return (self.base.size if self.base else 0) + (self.delta.size if self.delta else 0)

    @property
    def nbytes(self) -> int:
        return (self.base.nbytes if self.base else 0) + (self.delta.nbytes if self.delta else 0)

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        unit: int | None = None,
        unit_first: int = 0,
        exclude: int | None = None,
        before_year: int | None = None,
        exclude_project: int | None = None,
    ) -> list[Hit]:
        """The ``limit`` best documents for ``text``; with ``unit`` also the ``unit_first`` best of that unit
        (so a unit's own earlier findings are found however many of others score higher). ``before_year``:
        only findings of that year or earlier."""
        idf_segment = self.base or self.delta
        query = query_vector(text, idf_segment)
        if not query:
            return []
        hits: dict[int, Hit] = {}
        for segment, superseded in ((self.base, self._superseded), (self.delta, None)):
            if segment is None or not segment.size:
                continue
            docs, scores = segment.scores(query)
            if not len(docs):
                continue
            keep = np.ones(len(docs), dtype=bool)
            if superseded is not None and len(superseded):
                keep &= ~np.isin(docs, superseded)
            pk = np.asarray(segment.doc_pk)[docs]
            if exclude is not None:
                keep &= pk != exclude
            if before_year is not None:
                keep &= np.asarray(segment.doc_year)[docs] <= before_year
            if exclude_project is not None:
                keep &= np.asarray(segment.doc_project)[docs] != exclude_project
            docs, scores = docs[keep], scores[keep]
            chosen = _top(scores, limit)
            if unit is not None and unit_first:
                own = np.flatnonzero(np.asarray(segment.doc_unit)[docs] == unit)
                chosen = np.union1d(chosen, own[_top(scores[own], unit_first)])
            for i in chosen:
                d = int(docs[i])
                hit = Hit(
                    pk=int(segment.doc_pk[d]),
                    unit=int(segment.doc_unit[d]),
                    project=int(segment.doc_project[d]),
                    year=int(segment.doc_year[d]),
                    score=float(min(scores[i], 1.0)),
                )
                if hit.pk not in hits or hits[hit.pk].score < hit.score:
                    hits[hit.pk] = hit
        return sorted(hits.values(), key=lambda h: (-h.score, h.pk))


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    if k <= 0 or not len(scores):
        return np.zeros(0, dtype=np.int64)
    if len(scores) <= k:
        return np.arange(len(scores))
    return np.argpartition(-scores, k - 1)[:k]


# --- Segments on disk ------------------------------------------------------------------------

POINTER = "CURRENT.json"


def read_pointer(root: Path) -> dict:
    try:
        return json.loads((root / POINTER).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def write_pointer(root: Path, values: dict) -> None:
    root.mkdir(parents=True, exist_ok=True)
    temporary = root / f".{POINTER}.{os.getpid()}"
    temporary.write_text(json.dumps(values))
    os.replace(temporary, root / POINTER)


def remove_unused(root: Path) -> None:
    """Removes segment folders the pointer no longer names (a process still mapping one keeps its files)."""
    pointer = read_pointer(root)
    used = {pointer.get("base"), pointer.get("delta")}
    for path in root.glob("seg-*"):
        if path.name not in used:
            shutil.rmtree(path, ignore_errors=True)


def new_segment_path(root: Path, kind: str) -> Path:
    return root / f"seg-{kind}-{time.time_ns()}-{os.getpid()}"


_loaded: dict[str, tuple[float, Index]] = {}


def load(root: Path) -> Index:
    """The index under ``root`` as the pointer names it, cached per process until the pointer changes."""
    try:
        stamp = (root / POINTER).stat().st_mtime_ns
    except FileNotFoundError:
        return Index(None, None)
    cached = _loaded.get(str(root))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    pointer = read_pointer(root)
    base = Segment.open(root / pointer["base"]) if pointer.get("base") else None
    delta = Segment.open(root / pointer["delta"]) if pointer.get("delta") else None
    index = Index(base, delta, stamp)
    _loaded[str(root)] = (stamp, index)
    return index
