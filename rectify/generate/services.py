"""``generate()``: a synthetic province (示范省) of N findings, for measuring and analysis at scale.

The province, its cities and their districts: each district is the demo district (rectify.demo) again,
with its own audit office, units, competent departments, offices and accounts, and its share of the
findings with their requirements, plans, report rounds, verifications, events and history, in the
demo's proportions. See builder.py for how a district is built, loader.py for the bulk load.

Memory is bounded by one district's plan and one batch of stories; time is linear in N (each district
is built on its own, about 10,000 findings each by default). Deterministic: each district draws from its
own random source seeded from ``seed`` and its index, so the same seed gives the same province whatever
the number of worker processes (only the row ids differ between runs with workers).
"""

from __future__ import annotations

import datetime
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from simple_history.utils import bulk_create_with_history

from rectify.accounts.models import Role
from rectify.core.request_context import request_id_context
from rectify.demo import district as D
from rectify.demo.base import BuilderBase, DemoError
from rectify.demo.organizations import OrganizationsPart, _credit_code
from rectify.demo.writer import WriterPart, story_timestamps
from rectify.findings.models import Category
from rectify.generate import clone, loader
from rectify.generate.builder import (
    ADMIN_ACCOUNTS,
    LEADERSHIP,
    LEVEL_ACCOUNTS,
    DistrictBuilder,
    EvidenceStore,
    Shared,
    admin_permissions,
    make_users,
)
from rectify.generate.province import PROVINCE, Place, default_districts, places
from rectify.organizations.choices import JurisdictionLevel
from rectify.organizations.models import Jurisdiction, Organization, Sector
from rectify.rectification.denormalized import rebuild_denormalized

DEFAULT_SEED = 2026
DEFAULT_REPEAT_RATE = 0.10
DEFAULT_BATCH = 2000
MIN_FINDINGS_PER_DISTRICT = 40
CLONES_PER_TEMPLATE = 50


class GenerateError(Exception):
    """The province cannot be generated as asked."""


@dataclass
class Result:
    findings: int = 0
    districts: int = 0
    cities: int = 0
    seconds: float = 0.0
    counts: Counter = field(default_factory=Counter)


def is_generated() -> bool:
    return Jurisdiction.all_objects.filter(code=PROVINCE[1]).exists()


def default_templates(districts: int) -> int:
    """How many districts are built story by story (the others copy one of them): one in fifty."""
    return max(1, -(-districts // CLONES_PER_TEMPLATE))


def shares(findings: int, districts: int) -> list[int]:
    base, extra = divmod(findings, districts)
    return [base + (1 if index < extra else 0) for index in range(districts)]


def generate(
    *,
    findings: int,
    districts: int | None = None,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    repeat_rate: float = DEFAULT_REPEAT_RATE,
    batch: int = DEFAULT_BATCH,
    jobs: int = 1,
    rebuild_indexes: bool = True,
    catch_up: bool = False,
    templates: int | None = None,
    report=lambda message: None,
) -> Result:
    """Generates the province; each district in a transaction of its own."""
    districts = districts or default_districts(findings)
    if findings < districts * MIN_FINDINGS_PER_DISTRICT:
        raise GenerateError(
            f"每个区县至少需要 {MIN_FINDINGS_PER_DISTRICT} 条问题："
            f"{districts} 个区县至少 {districts * MIN_FINDINGS_PER_DISTRICT} 条。"
        )
    if not Category.objects.filter(parent__isnull=False).exists():
        raise GenerateError("问题分类尚未初始化，请先执行 migrate。")
    if is_generated():
        raise GenerateError(f"合成省（{PROVINCE[0]}）已存在，未重复生成；请使用新的数据库。")
    if connection.vendor != "postgresql":
        jobs = 1
    started = time.monotonic()
    all_places = places(districts, seed)
    result = Result(findings=findings, districts=districts, cities=len({p.city_code for p in all_places}))
    # The first districts are built story by story (the templates); on PostgreSQL the others are copied from
    # them in SQL (clone.py), which is what makes a million findings take minutes.
    count_of = shares(findings, districts)
    if connection.vendor == "postgresql":
        templates = min(districts, templates or default_templates(districts))
    else:
        templates = districts
    with loader.indexes_built_after(rebuild_indexes, report=report, jobs=jobs):
        with transaction.atomic(), story_timestamps(), request_id_context(prefix="gen-") as request_id:
            shared = _province(
                all_places, seed=seed, today=today, request_id=request_id, repeat_rate=repeat_rate, batch=batch
            )
        result.counts.update(shared.counts)
        shared.counts.clear()
        stage = templates < districts
        built = [(place, count_of[place.index], seed, today, stage) for place in all_places[:templates]]
        try:
            staged = _run(shared, _district_task, built, jobs, result, started, report, districts)
            if stage:
                staged = {template.number: template for template in staged}
                copies = [
                    (place, count_of[place.index], seed, today, staged[(place.index - templates) % templates])
                    for place in all_places[templates:]
                ]
                _run(shared, _clone_task, copies, jobs, result, started, report, districts)
        finally:
            if stage:
                clone.drop_staging(list(range(templates)))
        # The findings' denormalized columns (year, jurisdiction, money, last report), recounted set-based
        # while the secondary indexes are still dropped.
        with transaction.atomic():
            rebuild_denormalized()
        report("recounted the findings' denormalized columns")
    # The workbench's and the dashboard's summary rows (bulk inserts send the tallies no signal).
    from rectify.tallies.services import rebuild as rebuild_tallies

    rebuild_tallies(report=report)
    if catch_up:
        # What the units owe as of today and the proposals the sweep would make (the demo does this too);
        # off by default: the scheduled sweep does it on its next run.
        from rectify.reporting.sweep import catch_up as sweep_catch_up

        swept = sweep_catch_up(today)
        result.counts["obligations synced"] = swept.synced
        report(f"caught up {swept.synced} findings' reporting obligations")
    result.seconds = time.monotonic() - started
    return result


_SHARED: Shared | None = None


def _progress(districts: int, result: Result, started: float) -> str:
    findings = result.counts["findings.Finding"]
    done = result.counts["districts"]
    return f"district {done}/{districts}: {findings} findings, {time.monotonic() - started:.0f} s"


def _run(shared: Shared, task, tasks: list, jobs: int, result: Result, started, report, districts: int) -> list:
    """Runs ``task`` on each of ``tasks``, in ``jobs`` processes (forked: they share ``shared``); returns
    what the tasks return besides their counts."""
    returned = []
    if jobs > 1 and len(tasks) > 1:
        global _SHARED
        _SHARED = shared
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for counts, value in pool.imap_unordered(task, tasks):
                result.counts.update(counts)
                returned.append(value)
                report(_progress(districts, result, started))
        connections.close_all()
    else:
        for one in tasks:
            counts, value = task(one, shared)
            result.counts.update(counts)
            returned.append(value)
            report(_progress(districts, result, started))
    return returned


def _district_task(task, shared: Shared | None = None) -> tuple[Counter, clone.Template | None]:
    """A district built story by story; a template (``stage``): its rows staged for its clones."""
    place, count, seed, today, stage = task
    counts = _district(shared or _SHARED, place, count, seed, today)
    return counts, (clone.stage(place.index, place) if stage else None)


def _clone_task(task, shared: Shared | None = None) -> tuple[Counter, None]:
    return _clone(shared or _SHARED, *task), None


# The labels a copied district's rows are counted under (those the built districts count).
_COUNTED = {
    "audits.AuditProject": "projects",
    "findings.Finding_repeats": "repeats",
    "findings.Finding": "findings.Finding",
    "findings.HistoricalFinding": "findings.HistoricalFinding",
    "findings.FindingEvent": "findings.FindingEvent",
}


def _clone(shared: Shared, place: Place, count: int, seed: int, today, template: clone.Template) -> Counter:
    """A district copied from ``template``: its own organizations and accounts built, its projects,
    findings and their records copied (clone.py)."""
    shared.counts = Counter()
    with transaction.atomic(), story_timestamps(), request_id_context(prefix="gen-") as request_id:
        builder = DistrictBuilder(
            place=place,
            shared=shared,
            seed=seed * 100_003 + place.index,
            findings=count,
            today=today,
            now=None,
            request_id=request_id,
        )
        builder._reference_data()
        builder._users()
        copied = clone.Clone(template, builder, count, seed).copy()
    counts = Counter(shared.counts)
    counts["districts"] += 1
    for label, number in copied.items():
        if label in _COUNTED:
            counts[_COUNTED[label]] += number
        elif label in loader.LARGE_MODELS:
            counts[label] += number
    return counts


def _district(shared: Shared, place: Place, count: int, seed: int, today) -> Counter:
    shared.counts = Counter()
    with transaction.atomic(), story_timestamps(), request_id_context(prefix="gen-") as request_id:
        DistrictBuilder(
            place=place,
            shared=shared,
            seed=seed * 100_003 + place.index,
            findings=count,
            today=today,
            now=None,
            request_id=request_id,
        ).build()
    counts = Counter(shared.counts)
    counts["districts"] += 1
    return counts


class _LevelBuilder(OrganizationsPart, WriterPart, BuilderBase):
    """The province's and the cities' own organizations (audit office, party committee offices,
    government, congress…) and accounts."""

    def __init__(self, *, shared: Shared, **kwargs):
        super().__init__(findings=0, now=None, **kwargs)
        self.shared = shared

    def level(self, jurisdiction: Jurisdiction, prefix: str, word: str, username_prefix: str, admins: bool) -> None:
        rng = self.rng
        place = PROVINCE[0] + (prefix if prefix != PROVINCE[0] else "")
        orgs = {}
        for key, name, short, kind, sector, _parent, title, _abbr, form in D.ORGANIZATIONS:
            if key not in LEADERSHIP:
                continue
            org = Organization(
                name=name.replace("重庆市黔江区", prefix),
                short_name=short.replace("区", word, 1),
                code=_credit_code(rng, form, self.shared.used_codes),
                jurisdiction=jurisdiction,
                kind=kind,
                sector=self.shared.sectors[sector] if sector else None,
                head_name=self._name(),
                head_title=title,
                phone=f"0{rng.randint(510, 999)}-{rng.randint(2000000, 8999999)}",
                address=f"{place}{rng.choice(D.ROADS)}{rng.randint(1, 399)}号",
            )
            orgs[key] = self._stamp(org, self.epoch)
        bulk_create_with_history(list(orgs.values()), Organization, **self._history_kwargs(self.epoch))
        self.shared.counts["organizations"] += len(orgs)
        specs = [
            (f"{username_prefix}_{name}", orgs[key], role, self._name(), title or orgs[key].head_title)
            for name, key, role, title in LEVEL_ACCOUNTS
        ]
        if admins:
            specs += [
                (f"{username_prefix}_{name}", orgs["audit"], role, self._name(), title)
                for name, role, title in ADMIN_ACCOUNTS
            ]
        users = make_users(self, specs)
        if admins:
            admin_permissions({spec[0].split("_", 1)[1]: user for spec, user in zip(specs, users, strict=True)})


def _province(all_places: list[Place], *, seed: int, today, request_id: str, repeat_rate: float, batch: int) -> Shared:
    """The province and its cities, their organizations and accounts, and what the districts share."""
    sectors: dict[str, Sector] = {}
    for code, name in D.SECTORS:
        sectors[code] = Sector.all_objects.filter(code=code).first() or Sector.all_objects.filter(name=name).first()
    shared = Shared(
        province=None,
        cities={},
        sectors=sectors,
        categories=list(Category.objects.filter(parent__isnull=False).order_by("code")),
        evidence_files={},
        password=make_password(settings.RECTIFY_DEMO_PASSWORD),
        roles={r.code: r for r in Role.objects.all()},
        used_codes=set(Organization.all_objects.values_list("code", flat=True)),
        repeat_rate=repeat_rate,
        batch=batch,
        counts=Counter(),
    )
    builder = _LevelBuilder(shared=shared, seed=seed, today=today, request_id=request_id)
    missing = [
        builder._stamp(Sector(code=code, name=name), builder.epoch)
        for (code, name) in D.SECTORS
        if sectors[code] is None
    ]
    bulk_create_with_history(missing, Sector, **builder._history_kwargs(builder.epoch))
    sectors.update({s.code: s for s in missing})
    province = builder._stamp(
        Jurisdiction(name=PROVINCE[0], code=PROVINCE[1], level=JurisdictionLevel.PROVINCE), builder.epoch
    )
    bulk_create_with_history([province], Jurisdiction, **builder._history_kwargs(builder.epoch))
    shared.province = province
    cities = {}
    for place in all_places:
        if place.city_code not in cities:
            cities[place.city_code] = builder._stamp(
                Jurisdiction(name=place.city_name, code=place.city_code, level=JurisdictionLevel.CITY, parent=province),
                builder.epoch,
            )
    bulk_create_with_history(list(cities.values()), Jurisdiction, **builder._history_kwargs(builder.epoch))
    shared.cities = cities
    builder.level(province, PROVINCE[0], "省", PROVINCE[1].lower(), admins=True)
    for code, city in cities.items():
        builder.level(city, city.name, "市", code.lower(), admins=False)
    shared.evidence_files = EvidenceStore().files()
    return shared


__all__ = ["DEFAULT_SEED", "DemoError", "GenerateError", "Result", "generate", "is_generated"]
