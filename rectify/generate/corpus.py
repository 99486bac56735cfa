"""The findings' texts ``rectify generate`` writes, produced without keeping a province in the database:
for measuring the text analysis (bench/bench_analysis.py) at a million findings where no generated
province is at hand.

The same steps as ``generate()`` on PostgreSQL: the template districts are built story by story (inside
a transaction rolled back once their texts are read), every other district's texts are the template's
varied as clone.py varies them (the same random sources, the same place names and factors). Only the
ids differ: a copied district's units and projects are numbered after its template's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction

from rectify.core.request_context import request_id_context
from rectify.demo.writer import story_timestamps
from rectify.findings.models import Finding, Requirement
from rectify.generate import clone, services, texts
from rectify.generate.province import Place, default_districts, places

# A copied district's unit and project ids: its template's, plus its index times this.
ID_STRIDE = 10_000_000


@dataclass
class FindingText:
    district: int  # the district's index
    ledger_number: str
    unit: int
    project: int
    year: int
    title: str
    description: str
    requirements: list[str]


def finding_texts(
    findings: int,
    *,
    seed: int = services.DEFAULT_SEED,
    districts: int | None = None,
    templates: int | None = None,
    repeat_rate: float = services.DEFAULT_REPEAT_RATE,
    today=None,
) -> Iterator[FindingText]:
    """The texts of ``rectify generate --findings N`` (same seed, districts, templates), district by
    district. Needs a migrated database (the categories and rules); writes nothing to it."""
    districts = districts or default_districts(findings)
    templates = min(districts, templates or services.default_templates(districts))
    all_places = places(districts, seed)
    count_of = services.shares(findings, districts)
    built = _templates(all_places[:templates], count_of, seed=seed, today=today, repeat_rate=repeat_rate)
    for place in all_places[:templates]:
        yield from built[place.index]
    for place in all_places[templates:]:
        template_place = all_places[(place.index - templates) % templates]
        yield from _copied(built[template_place.index][: count_of[place.index]], template_place, place, seed)


def _templates(template_places: list[Place], count_of, *, seed, today, repeat_rate) -> dict[int, list[FindingText]]:
    built: dict[int, list[FindingText]] = {}
    with transaction.atomic():
        with story_timestamps(), request_id_context(prefix="gen-") as request_id:
            shared = services._province(
                template_places,
                seed=seed,
                today=today,
                request_id=request_id,
                repeat_rate=repeat_rate,
                batch=services.DEFAULT_BATCH,
            )
        for place in template_places:
            services._district(shared, place, count_of[place.index], seed, today)
            built[place.index] = _read(place)
        transaction.set_rollback(True)
    return built


def _read(place: Place) -> list[FindingText]:
    rows = list(
        Finding.objects.filter(project__jurisdiction__code=place.code)
        .order_by("pk")
        .values_list("pk", "ledger_number", "unit_id", "project_id", "project__year", "title", "description")
    )
    requirements: dict[int, list[str]] = {}
    for finding_id, text in (
        Requirement.objects.filter(finding__project__jurisdiction__code=place.code)
        .order_by("finding_id", "number")
        .values_list("finding_id", "text")
    ):
        requirements.setdefault(finding_id, []).append(text)
    return [
        FindingText(place.index, number, unit, project, year, title, description, requirements.get(pk, []))
        for pk, number, unit, project, year, title, description in rows
    ]


def _copied(template: list[FindingText], template_place: Place, place: Place, seed: int) -> Iterator[FindingText]:
    """A copied district's texts, as clone.Clone writes them."""
    old, new = template_place, place

    def moved(text: str) -> str:
        return text.replace(old.full, new.full).replace(old.city_name, new.city_name).replace(old.abbr, new.abbr)

    offset = place.index * ID_STRIDE
    for t in template:
        rng = random.Random(f"{seed}-{place.index}-{t.ledger_number}")
        k = rng.choice(clone.FACTORS)
        yield FindingText(
            place.index,
            place.code + t.ledger_number[len(template_place.code) :],
            t.unit + offset,
            t.project + offset,
            t.year,
            moved(texts.vary(rng, t.title, k))[:200],
            moved(texts.vary(rng, t.description, k, opening=True)),
            [moved(texts.scale(r, k)) for r in t.requirements],
        )
