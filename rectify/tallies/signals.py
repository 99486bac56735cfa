"""Marks left by every change that alters what a finding counts for: its state, deadline, unit, category,
amounts, project, soft deletion, its report rounds, verifications and repeat links. The mark is written
in the change's own transaction (a rolled-back change leaves none); the marked units are recounted once
the transaction commits (one recount per transaction, however many changes) and, failing that, before the
next read of the tallies."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from rectify.audits.models import AuditProject
from rectify.findings.models import Finding
from rectify.rectification.models import ProgressReport, Verification
from rectify.tallies.models import TallyMark


def _after_commit() -> None:
    from rectify.tallies.services import refresh_pending

    refresh_pending()


def mark(**key) -> None:
    TallyMark.objects.create(**key)
    _recount_on_commit()


def mark_many(keys: list[dict]) -> None:
    """``mark`` for many at once: one INSERT."""
    if keys:
        TallyMark.objects.bulk_create([TallyMark(**key) for key in keys])
        _recount_on_commit()


def _recount_on_commit() -> None:
    # One recount per transaction: registered once per savepoint however many changes it holds (a
    # rolled-back savepoint takes its callbacks with it, so each savepoint registers its own).
    here = set(connection.savepoint_ids)
    registered = any(func is _after_commit and sids == here for sids, func, _robust in connection.run_on_commit)
    if not connection.in_atomic_block or not registered:
        transaction.on_commit(_after_commit, robust=True)


def _remember_unit(sender, instance: Finding, **kwargs) -> None:
    # Read from __dict__: a deferred unit is not fetched (a finding loaded without it is not re-saved with it).
    instance._tallied_unit_id = instance.__dict__.get("unit_id")


def _finding_saved(sender, instance: Finding, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_tallied_unit_id", None)
    mark(unit_id=instance.unit_id)
    if before is not None and before != instance.unit_id:
        mark(unit_id=before)
    instance._tallied_unit_id = instance.unit_id


def _finding_deleted(sender, instance: Finding, **kwargs) -> None:
    mark(unit_id=instance.unit_id)


def _part_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw and instance.finding_id is not None:
        mark(finding_id=instance.finding_id)


def _project_saved(sender, instance: AuditProject, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        mark(project_id=instance.pk)


def _repeats_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        mark(finding_id=instance.pk)
    elif action == "pre_clear":
        for finding_id in sender.objects.filter(to_finding=instance.pk).values_list("from_finding_id", flat=True):
            mark(finding_id=finding_id)
    else:
        for finding_id in pk_set or ():
            mark(finding_id=finding_id)


def connect() -> None:
    uid = "tallies"
    post_init.connect(_remember_unit, sender=Finding, dispatch_uid=uid)
    post_save.connect(_finding_saved, sender=Finding, dispatch_uid=uid)
    post_delete.connect(_finding_deleted, sender=Finding, dispatch_uid=uid)
    for model in (ProgressReport, Verification):
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}:{model.__name__}")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"{uid}:{model.__name__}")
    post_save.connect(_project_saved, sender=AuditProject, dispatch_uid=uid)
    m2m_changed.connect(_repeats_changed, sender=Finding.repeats.through, dispatch_uid=uid)
