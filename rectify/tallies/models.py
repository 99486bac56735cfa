"""Summary rows of the findings (汇总表), read by the workbench and the dashboard instead of counting the
whole ledger on every request.

A ``FindingTally`` row counts the findings that share everything a scope, a figure or a chart tells
apart: the project's jurisdiction, audit office, year and type, the unit, the category, the fiscal-funds
flag, the state and, for the running states only, the deadline (the warning colour depends on today, so
it is read from the deadline at query time: ``warning.colour_q`` applies to these rows as it does to the
findings). Money is summed per group: the amount involved, the money of the counted report rounds by
method, and the amount each finding's latest verification recognised.

A change to a finding, its reports, its verifications, its repeat links or its project leaves a
``TallyMark`` in the same transaction; the groups of the marked units are recounted after the commit
and, at the latest, before the next read (``services.refresh_pending``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2, "default": 0}


class FindingTally(models.Model):
    # The same names as the findings' lookups where the rows are filtered the same way (``tally_q``).
    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    audit_office = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    category = models.ForeignKey(
        "findings.Category", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    project_type = models.CharField(max_length=32)
    involves_fiscal_funds = models.BooleanField()
    state = models.CharField(max_length=20)
    deadline = models.DateField(null=True)  # running states only
    findings = models.PositiveIntegerField()
    repeats = models.PositiveIntegerField()  # findings linked to an earlier one (屡审屡犯)
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
            models.Index(fields=["unit"], name="tally_unit"),
            models.Index(fields=["jurisdiction", "state"], name="tally_jurisdiction_state"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.category_id}/{self.year}/{self.state}: {self.findings}"


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
