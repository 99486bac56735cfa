"""Summary rows of the findings (汇总表), read by the workbench and the dashboard instead of counting the
whole ledger on every request.

A ``FindingTally`` row counts the findings of one group at one grain. The finest grain (``UNIT_CATEGORY``)
tells apart everything a scope, a figure or a chart looks at: the project's jurisdiction, audit office,
year and type, whether it is a unit's own internal audit, the unit, the category, the fiscal-funds flag
and the state. The coarser grains keep the keys every broad scope filters on (jurisdiction, internal,
type, fiscal flag, state) and one breakdown each (unit, year, category group, or none); the lean grains
keep only jurisdiction, internal and state (what the audit office's, the government's and the units'
scopes read) and one or two breakdowns, so that the province's dashboard sums a few thousand rows, not
one per finding, nor one per project type and fiscal flag. They are all sums of the finest rows.

The warning colour depends on the day: each row counts its findings by colour as of ``TallyDay.as_of``;
the first read of a new day (or the daily job) recounts the colours of the running findings.

A change to a finding, its reports, its verifications, its repeat links or its project leaves a
``TallyMark`` in the same transaction; the marked units are recounted after the commit and, at the
latest, before the next read (``services.refresh_pending``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2, "default": 0}


class Grain(models.IntegerChoices):
    UNIT_CATEGORY = 0, "unit, category, year"
    BASE = 1, "jurisdiction, type, fiscal, state"
    UNIT = 2, "… and unit"
    YEAR = 3, "… and year"
    GROUP = 4, "… and category group"
    # The lean grains: jurisdiction, internal and state only (no project type, no fiscal flag), for the
    # scopes and filters that do not read those, with at most two breakdowns.
    LEAN = 5, "jurisdiction, internal, state"
    LEAN_YEAR = 6, "lean … and year"
    LEAN_GROUP = 7, "lean … and category group"
    LEAN_UNIT = 8, "lean … and unit"
    LEAN_YEAR_GROUP = 9, "lean … and year, category group"
    LEAN_UNIT_YEAR = 10, "lean … and unit, year"
    LEAN_CATEGORY = 11, "lean … and category"
    LEAN_CATEGORY_YEAR = 12, "lean … and category, year"
    LEAN_CATEGORY_UNIT = 13, "lean … and category, unit"


class FindingTally(models.Model):
    grain = models.PositiveSmallIntegerField(choices=Grain.choices)
    # The keys: the same names as the findings' lookups where the rows are filtered alike (``tally_q``);
    # NULL where the grain does not keep them.
    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    internal = models.BooleanField()  # a unit's own internal audit (findings.scopes.INTERNAL)
    project_type = models.CharField(max_length=32, null=True)
    involves_fiscal_funds = models.BooleanField(null=True)
    state = models.CharField(max_length=20)
    audit_office = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    category = models.ForeignKey(
        "findings.Category", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    category_group = models.ForeignKey(
        "findings.Category", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(null=True)
    # The counts and sums.
    findings = models.PositiveIntegerField()
    repeats = models.PositiveIntegerField()  # findings linked to an earlier one (屡审屡犯)
    red = models.PositiveIntegerField()
    yellow = models.PositiveIntegerField()
    green = models.PositiveIntegerField()
    amount_involved = models.DecimalField(**MONEY)
    amount_to_treasury = models.DecimalField(**MONEY)
    amount_returned_to_source = models.DecimalField(**MONEY)
    amount_revitalized = models.DecimalField(**MONEY)
    amount_adjusted_in_accounts = models.DecimalField(**MONEY)
    amount_losses_recovered = models.DecimalField(**MONEY)
    amount_other = models.DecimalField(**MONEY)
    amount_verified = models.DecimalField(**MONEY)

    class Meta:
        verbose_name = _("问题汇总")
        verbose_name_plural = _("问题汇总")
        indexes = [
            models.Index(fields=["grain", "jurisdiction"], name="tally_grain_jurisdiction"),
            models.Index(fields=["grain", "unit"], name="tally_grain_unit"),
            # The dashboard's filters: a year, an audit type, a category (its own or its group).
            models.Index(fields=["grain", "year"], name="tally_grain_year"),
            models.Index(fields=["grain", "project_type"], name="tally_grain_project_type"),
            models.Index(fields=["grain", "category"], name="tally_grain_category"),
            models.Index(fields=["grain", "category_group"], name="tally_grain_category_group"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grain_display()}: {self.findings}"


class TallyDay(models.Model):
    """The day the rows' colour counts hold for (one row)."""

    as_of = models.DateField()

    def __str__(self) -> str:
        return str(self.as_of)


class TallyMark(models.Model):
    """Something changed whose groups must be recounted: a unit, a finding's unit or a project's units."""

    unit_id = models.BigIntegerField(null=True)
    finding_id = models.BigIntegerField(null=True)
    project_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("待更新汇总")
        verbose_name_plural = _("待更新汇总")

    def __str__(self) -> str:
        return f"unit {self.unit_id} finding {self.finding_id} project {self.project_id}"
