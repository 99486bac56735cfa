"""The finding page's looking-back panel: a relapsed re-check (derived flag), and re-occurrence after close-out
(this finding repeats an earlier closed one, or a later finding repeats this closed one)."""

from __future__ import annotations

from rectify.core.panels import FINDING, TOP, Panel, register_panel


def of_finding(user, obj=None) -> dict | None:
    from rectify.findings.models import Finding
    from rectify.lookback import services
    from rectify.lookback.models import LookbackSample

    if obj is None or not user.is_authenticated or not services.is_flagged(obj):  # one query for most findings
        return None
    relapsed = list(services.relapses(obj))
    links = services.reoccurrence_of(obj)
    # Of the other findings, only those the user sees are named; the flag itself stands either way.
    shown = set(
        Finding.objects.restrict(user)
        .filter(pk__in=[f.pk for f in links["earlier"] + links["later"]])
        .values_list("pk", flat=True)
    )
    samples = set(
        LookbackSample.objects.restrict(user)
        .filter(pk__in=[i.sample_id for i in relapsed])
        .values_list("pk", flat=True)
    )
    return {
        "relapsed": [(item, item.sample_id in samples) for item in relapsed],
        "earlier": [(f, f.pk in shown) for f in links["earlier"]],
        "later": [(f, f.pk in shown) for f in links["later"]],
    }


def register() -> None:
    register_panel(Panel("lookback.finding", FINDING, "lookback/panels/finding.html", of_finding, TOP, order=5))
