"""A finding's copy of its project's year and jurisdiction, and the keyword search over findings.

The ledger's scope (``jurisdiction``), its default order (``-year, ledger_number``) and its year list read
the finding's own columns, with no join to the project. ``build_finding`` and ``Finding.save`` set them
from the project; a change of a project's year or jurisdiction carries over to its findings in the same
transaction (the signal below); bulk loads (the demo, ``rectify generate``) end with
``rectify.rectification.denormalized.rebuild_denormalized``, which calls ``rebuild_placement`` here.

Keyword search: on PostgreSQL an expression index over the character bigrams of the ledger number, the
title and the description (``rectify_bigrams``, rectification migration 0005) serves any term of two characters or
more, Chinese included, whatever the database's locale (pg_trgm ignores Chinese characters under the C
locale); the ILIKE beside it checks the candidates. Elsewhere (SQLite) the ILIKEs alone, a scan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

# The text the bigram index covers: the same expression in the index (migration) and in the query.
SEARCH_DOCUMENT = (
    "rectify_bigrams(lower(findings_finding.ledger_number || ' ' || findings_finding.title || ' ' "
    "|| findings_finding.description))"
)
SEARCH_DOCUMENT_INDEXED = "rectify_bigrams(lower(ledger_number || ' ' || title || ' ' || description))"

# The bigrams of a text: its pairs of characters from the first and from the second, all overlapping
# pairs together (GIN keeps each key once); built-in functions only, so it costs little per row.
CREATE_FUNCTIONS = (
    r"""
CREATE OR REPLACE FUNCTION rectify_bigrams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT string_to_array(regexp_replace(doc, '(..)', E'\\1\x01', 'g'), E'\x01')
        || string_to_array(regexp_replace(substr(doc, 2), '(..)', E'\\1\x01', 'g'), E'\x01')
$$""",
    r"""
CREATE OR REPLACE FUNCTION rectify_term_bigrams(term text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(term, i, 2)), '{}')
    FROM generate_series(1, length(term) - 1) AS i
    WHERE substr(term, i, 2) !~ '\s'
$$""",
)
DROP_FUNCTIONS = ("DROP FUNCTION IF EXISTS rectify_bigrams(text)", "DROP FUNCTION IF EXISTS rectify_term_bigrams(text)")
CREATE_INDEX = (
    f"CREATE INDEX IF NOT EXISTS finding_search_bigrams ON findings_finding USING gin ({SEARCH_DOCUMENT_INDEXED})"
)
DROP_INDEX = "DROP INDEX IF EXISTS finding_search_bigrams"


# The searched text, as one string: the recheck of the index's candidates (and the whole search for a
# one-character term). One expression, not three ILIKEs, so that the planner estimates its selectivity
# sanely instead of multiplying three small ones (which turned a common term's plan into nested loops).
SEARCH_TEXT = (
    "lower(findings_finding.ledger_number || ' ' || findings_finding.title || ' ' || findings_finding.description)"
)


# How a search reads the findings on PostgreSQL (``search_plan``):
# - a scope of at most SCAN_SCOPE findings is read whole, the words tested on each row (``strpos``, about 2 µs a
#   row; the scope's own index gives its rows in the ledger's order). Through the bigram index instead, a
#   common word's candidates (a quarter of the table for 资金) overflow work_mem into a lossy bitmap, and every
#   row of the scope on a lossy page has its bigrams recomputed: 130 ms for a district of 10,000 findings.
# - a larger scope tests the words on a sample of SAMPLE of its rows. Where at least DENSE_SHARE of them match,
#   the rows are read in the ledger's order and tested: a page is found after a few hundred. Else the index
#   fetches the (few) matches, which are then sorted. The planner cannot tell the two apart: it multiplies
#   the bigrams' frequencies, so it takes a common phrase for a rare one (专项资金: 358 rows expected, 58,168
#   found, all fetched and sorted in 2 s), and counting through the index costs the lossy rechecks above.
SCAN_SCOPE = 30_000
SAMPLE = 5000
DENSE_SHARE = 0.01
SCAN, INDEX = "scan", "index"


def _text_q(word: str, indexed: bool) -> Q:
    if connection.vendor != "postgresql":
        return Q(ledger_number__icontains=word) | Q(title__icontains=word) | Q(description__icontains=word)
    contains = RawSQL(f"strpos({SEARCH_TEXT}, lower(%s)) > 0", [word], output_field=BooleanField())
    if not indexed or len(word) < 2:
        return Q(contains)
    # The index finds the candidates: every bigram of the word present (lower-cased by the database, as the
    # indexed text is). A word of two characters is one bigram: the candidates are the matches.
    candidates = RawSQL(f"{SEARCH_DOCUMENT} @> rectify_term_bigrams(lower(%s))", [word], output_field=BooleanField())
    return Q(candidates) if len(word) == 2 else Q(candidates) & Q(contains)


def keyword_q(word: str, indexed: bool = True) -> Q:
    """Findings whose ledger number, title, description or unit name contain ``word`` (case-insensitive);
    on PostgreSQL through the bigram index unless ``indexed`` is False."""
    from rectify.organizations.models import Organization

    text = _text_q(word, indexed)
    # Units are few: their ids are read first, so the OR is served by the index on unit_id.
    units = list(Organization.objects.filter(name__icontains=word).values_list("pk", flat=True)[:1000])
    return text | Q(unit_id__in=units) if units else text


def _filtered(queryset: QuerySet, words: list[str], indexed: bool) -> QuerySet:
    for word in words:
        queryset = queryset.filter(keyword_q(word, indexed))
    return queryset


@dataclass
class Search:
    """A keyword search's findings and how they are read (``SCAN`` or ``INDEX``)."""

    queryset: QuerySet
    plan: str


def _dense(queryset: QuerySet, words: list[str]) -> bool:
    """Whether at least DENSE_SHARE of a sample of ``queryset``'s rows hold every word (one query, reading
    SAMPLE rows at most)."""
    sample = queryset.order_by().annotate(searched_text=RawSQL(SEARCH_TEXT, [])).values("searched_text")[:SAMPLE]
    sql, params = sample.query.sql_with_params()
    tests = " AND ".join("strpos(sample.searched_text, lower(%s)) > 0" for _word in words)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE {tests}) FROM ({sql}) sample", (*words, *params))
        sampled, matched = cursor.fetchone()
    return sampled > 0 and matched >= DENSE_SHARE * sampled


def search_plan(queryset: QuerySet, value: str, scope_size: Callable[[], int | None]) -> Search:
    """The findings of ``queryset`` that contain every word of ``value``, read the cheaper way for a scope of
    ``scope_size()`` findings (None: unknown, taken as large; asked on PostgreSQL only)."""
    words = value.split()
    if connection.vendor != "postgresql" or not words:
        return Search(_filtered(queryset, words, indexed=False), SCAN)
    size = scope_size()
    if (size is not None and size <= SCAN_SCOPE) or _dense(queryset, words):
        return Search(_filtered(queryset, words, indexed=False), SCAN)
    return Search(_filtered(queryset, words, indexed=True), INDEX)


def search(queryset: QuerySet, value: str) -> QuerySet:
    """The findings of ``queryset`` that contain every word of ``value``, through the bigram index."""
    return _filtered(queryset, value.split(), indexed=True)


def placement_changed(sender, instance, **kwargs) -> None:
    """A project's year or jurisdiction changed: its findings' copies follow, in the same transaction."""
    from rectify.findings.models import Finding

    if kwargs.get("raw"):
        return
    stale = Finding._base_manager.filter(project_id=instance.pk).exclude(
        year=instance.year, jurisdiction_id=instance.jurisdiction_id
    )
    stale.update(year=instance.year, jurisdiction_id=instance.jurisdiction_id)


def rebuild_placement() -> int:
    """Every finding's year and jurisdiction from its project, where they differ: one UPDATE."""
    from rectify.audits.models import AuditProject
    from rectify.findings.models import Finding

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE findings_finding f SET year = p.year, jurisdiction_id = p.jurisdiction_id "
                "FROM audits_auditproject p WHERE p.id = f.project_id "
                "AND (f.year IS DISTINCT FROM p.year OR f.jurisdiction_id IS DISTINCT FROM p.jurisdiction_id)"
            )
            return cursor.rowcount
    from django.db.models import OuterRef, Subquery

    project = AuditProject.all_objects.filter(pk=OuterRef("project_id"))
    return Finding._base_manager.update(
        year=Subquery(project.values("year")[:1]), jurisdiction_id=Subquery(project.values("jurisdiction_id")[:1])
    )
