"""The analysis's jobs: rebuild the index (nightly), refresh it with what changed (on commit and every
ten minutes, which also catches imported rows), propose repeats, compute clusters per jurisdiction."""

from __future__ import annotations


def rebuild() -> dict:
    from rectify.analysis import services

    return services.rebuild()


def refresh() -> dict:
    from rectify.analysis import services

    return services.refresh()


def compute_clusters() -> int:
    from rectify.analysis import services
    from rectify.organizations.models import Jurisdiction

    return sum(services.compute_clusters(pk) for pk in Jurisdiction.objects.values_list("pk", flat=True))
