"""What the load reports: counts of what was loaded, by state and by colour."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from rectify.findings.models import Finding, FindingEvent
from rectify.organizations.models import Organization
from rectify.rectification.models import ProgressReport, Verification


@dataclass
class Summary:
    organizations: int
    users: int
    projects: int
    findings: int
    by_state: dict[str, int]
    by_colour: dict[str, int]
    reports: int
    verifications: int
    events: int
    repeats: int
    seconds: float = 0.0


def summarize(builder) -> Summary:
    """Counts what ``builder`` loaded, read back from the database."""
    district = builder.district
    qs = Finding.objects.filter(project__jurisdiction=district)
    by_state = dict(qs.values_list("state").annotate(n=models.Count("pk")).values_list("state", "n"))
    by_colour = dict(
        qs.with_colour(builder.today)
        .exclude(colour_code="")
        .values_list("colour_code")
        .annotate(n=models.Count("pk"))
        .values_list("colour_code", "n")
    )
    return Summary(
        organizations=Organization.objects.filter(jurisdiction=district).count(),
        users=builder.user_count,
        projects=len(builder.projects),
        findings=len(builder.findings),
        by_state=by_state,
        by_colour=by_colour,
        reports=ProgressReport.objects.filter(finding__project__jurisdiction=district).count(),
        verifications=Verification.objects.filter(finding__project__jurisdiction=district).count(),
        events=FindingEvent.objects.filter(finding__project__jurisdiction=district).count(),
        repeats=sum(1 for f in builder.findings if f.repeats),
    )
