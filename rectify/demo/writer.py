"""Writing the built rows in bulk, each with the history rows simple-history would have written."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, models, router
from simple_history.utils import get_history_model_for_model

from rectify.accounts.models import User
from rectify.audits.models import AuditProject
from rectify.demo.stories import Story
from rectify.findings.models import Finding, FindingEvent, Requirement
from rectify.organizations.models import Jurisdiction, Organization, Sector
from rectify.rectification.models import (
    AccountabilityRecord,
    AdoptedRule,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    Verification,
)

_STAMPED_MODELS = (
    Jurisdiction,
    Sector,
    Organization,
    AuditProject,
    Finding,
    Requirement,
    Plan,
    Milestone,
    ProgressReport,
    AdoptedRule,
    AccountabilityRecord,
    Evidence,
    Verification,
)


@contextmanager
def story_timestamps() -> Iterator[None]:
    """Lets the demo write its own created/last_updated (the dates of the story, not of the load)."""
    saved = []
    for model in _STAMPED_MODELS:
        for name, flag in (("created", "auto_now_add"), ("last_updated", "auto_now")):
            model_field = model._meta.get_field(name)
            saved.append((model_field, flag, getattr(model_field, flag)))
            setattr(model_field, flag, False)
    try:
        yield
    finally:
        for model_field, flag, value in saved:
            setattr(model_field, flag, value)


@contextmanager
def live_timestamps() -> Iterator[None]:
    """Inside ``story_timestamps``: rows written through the services (at the load's own time) stamp
    themselves again."""
    saved = []
    for model in _STAMPED_MODELS:
        for name, flag in (("created", "auto_now_add"), ("last_updated", "auto_now")):
            model_field = model._meta.get_field(name)
            saved.append((model_field, flag, getattr(model_field, flag)))
            setattr(model_field, flag, True)
    try:
        yield
    finally:
        for model_field, flag, value in saved:
            setattr(model_field, flag, value)


class WriterPart:
    """Bulk inserts of rows and history rows."""

    def _history_kwargs(self, when: datetime.datetime, user: User | None = None) -> dict:
        return {"default_date": when, "default_user": user, "custom_historical_attrs": self.history}

    def _stamp(self, obj: models.Model, created: datetime.datetime, updated: datetime.datetime | None = None):
        obj.created = created
        obj.last_updated = updated or created
        obj._history_date = created
        return obj

    @functools.cache  # noqa: B019 - one builder per load
    def _history_model(self, model: type[models.Model]):
        history_model = get_history_model_for_model(model)
        return history_model, [f.attname for f in history_model.tracked_fields]

    def _history_row(self, obj, *, when, user, reason: str = "", kind: str = "~", **overrides) -> dict:
        """One history row of ``obj`` (as column values), the way simple-history would have written it."""
        _model, attnames = self._history_model(type(obj))
        values = {name: getattr(obj, name) for name in attnames}
        values.update(overrides)
        values["last_updated"] = when
        values.update(
            history_date=when,
            history_user_id=user.pk if user else None,
            history_change_reason=reason[:2000],
            history_type=kind,
            request_id=self.request_id,
        )
        return values

    @functools.cache  # noqa: B019 - one builder per load
    def _insert_statement(self, model: type[models.Model]):
        connection = connections[router.db_for_write(model)]
        columns = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
        quote = connection.ops.quote_name
        head = "INSERT INTO {} ({}) VALUES ".format(
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in columns)
        )
        row = "({})".format(", ".join(["%s"] * len(columns)))
        adapters = [_Adapter(f, connection) for f in columns]
        return connection, columns, adapters, head, row

    def _insert(self, model: type[models.Model], rows: list[dict]) -> None:
        """Inserts rows that need no ids back (history rows, events): values are adapted by each field,
        as the ORM does, and written with executemany."""
        if not rows:
            return
        connection, columns, adapters, head, row = self._insert_statement(model)
        defaults = {f.attname: f.get_default() for f in columns if f.has_default()}
        names = [f.attname for f in columns]
        params = []
        for values in rows:
            params.append(
                [
                    adapt(values[name] if name in values else defaults.get(name))
                    for name, adapt in zip(names, adapters, strict=True)
                ]
            )
        with connection.cursor() as cursor:
            for start in range(0, len(params), 5000):
                cursor.executemany(head + row, params[start : start + 5000])

    def _bulk_create(self, model: type[models.Model], objs: list[models.Model]) -> None:
        """``model.objects.bulk_create(objs)`` for the rows the demo builds, tens of thousands of them: the
        same insert returning the ids, with each column's values adapted once per distinct value (the rows
        share their dates, users and choices)."""
        connection, columns, adapters, head, row = self._insert_statement(model)
        if not objs or not connection.features.can_return_rows_from_bulk_insert:
            model.objects.bulk_create(objs)
            return
        pk = model._meta.pk
        returning, _params = connection.ops.return_insert_columns([pk])
        # Only these fields do something when saved (dates stamped, files committed); the others are read.
        saving = [type(f).pre_save is not models.Field.pre_save for f in columns]
        size = max(1, connection.ops.bulk_batch_size(columns, objs))
        with connection.cursor() as cursor:
            for start in range(0, len(objs), size):
                batch = objs[start : start + size]
                params = []
                for obj in batch:
                    obj._prepare_related_fields_for_save(operation_name="bulk_create")
                    params += [
                        adapt(f.pre_save(obj, True) if presave else getattr(obj, f.attname))
                        for f, adapt, presave in zip(columns, adapters, saving, strict=True)
                    ]
                cursor.execute(f"{head}{', '.join([row] * len(batch))} {returning}", params)
                ids = cursor.fetchall()
                for obj, (value,) in zip(batch, ids, strict=True):
                    setattr(obj, pk.attname, value)
                    obj._state.adding = False
                    obj._state.db = connection.alias

    def _create(self, model, objs: list) -> None:
        """Inserts ``objs`` and their creation history rows (each object carries _history_user and
        _history_date, see _stamp): what bulk_create_with_history does, with a leaner insert of the history."""
        self._bulk_create(model, objs)
        self._insert(
            self._history_model(model)[0],
            [self._history_row(o, when=o._history_date, user=o._history_user, kind="+") for o in objs],
        )

    def _write_findings(self) -> None:
        self._evidence_files()
        stories = [Story(self, finding) for finding in self.findings]
        finding_objs = [finding.obj for finding in self.findings]
        self._bulk_create(Finding, finding_objs)
        history_rows = []
        for story in stories:
            history_rows += story.finding_history()
        self._insert(get_history_model_for_model(Finding), history_rows)
        through = Finding.repeats.through
        through.objects.bulk_create(
            [
                through(from_finding_id=f.obj.pk, to_finding_id=earlier.obj.pk)
                for f in self.findings
                for earlier in f.repeats
            ]
        )
        self._create(Requirement, [r for s in stories for r in s.requirements])
        self._create(Plan, [s.plan for s in stories if s.plan])
        self._create(Milestone, [m for s in stories for m in s.milestones])
        self._create(ProgressReport, [r for s in stories for r in s.reports])
        self._create(AdoptedRule, [r for s in stories for r in s.rules])
        self._create(AccountabilityRecord, [r for s in stories for r in s.people])
        self._create(Evidence, [e for s in stories for e in s.evidence])
        self._create(Verification, [v for s in stories for v in s.verifications])
        events = []
        for story in stories:
            for event in story.events:
                event.finding_id = story.f.obj.pk
                events.append(_columns(event))
        self._insert(FindingEvent, events)


def _columns(obj: models.Model) -> dict:
    """An unsaved object's column values, for ``WriterPart._insert``."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class _Adapter:
    """A field's database value for each Python value, as ``field.get_db_prep_save`` gives it, computed
    once per distinct value (the rows share their dates, users and choices); text goes to text columns as
    it is, and an aware datetime straight to the backend's adapter, as the field would pass them."""

    def __init__(self, field: models.Field, connection) -> None:
        self.prepare = functools.partial(field.get_db_prep_save, connection=connection)
        self.seen: dict = {}
        kind = type(field)
        plain = kind.get_db_prep_save is models.Field.get_db_prep_save
        self.text = (
            plain
            and kind.get_db_prep_value is models.Field.get_db_prep_value
            and kind.get_prep_value in (models.CharField.get_prep_value, models.TextField.get_prep_value)
        )
        self.moment = (
            connection.ops.adapt_datetimefield_value
            if plain
            and kind.get_prep_value is models.DateTimeField.get_prep_value
            and kind.get_db_prep_value is models.DateTimeField.get_db_prep_value
            else None
        )

    def __call__(self, value):
        if value is None:
            return self.prepare(value)
        kind = value.__class__
        if kind is str and self.text:
            return value
        key = (kind, value)
        try:
            return self.seen[key]
        except KeyError:
            if self.moment is not None and kind is datetime.datetime and value.utcoffset() is not None:
                prepared = self.moment(value)
            else:
                prepared = self.prepare(value)
            self.seen[key] = prepared
            return prepared
        except TypeError:  # unhashable (a JSON value)
            return self.prepare(value)
