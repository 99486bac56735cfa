"""The garbage collector of a serving process, settled once the application is loaded.

A full collection walks every object the process holds, Django's and the project's modules included (about
200,000 once a few pages have been served), and took 150 to 300 ms here: one request in fifteen paid for it,
which was most of the pages' p95. ``settle`` moves what the process has built so far out of the collector's
reach (``gc.freeze``) and collects the young generation less often, so a request pays for the objects of
requests only. ``RECTIFY_GC_THRESHOLD`` ("50000,20,100" by default, Python's is "700,10,10"; "off" leaves
the collector as Python set it) tunes it.
"""

from __future__ import annotations

import gc
import os

DEFAULT_THRESHOLD = (50_000, 20, 100)


def settle() -> None:
    """Loads the views (the URLconf imports them), collects once, freezes what survives, and sets the
    thresholds: a serving process's startup objects live as long as it does."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now rather than on first use
    setting = os.environ.get("RECTIFY_GC_THRESHOLD", "").strip().lower()
    if setting == "off":
        return
    threshold = tuple(int(part) for part in setting.split(",")) if setting else DEFAULT_THRESHOLD
    gc.collect()
    gc.freeze()
    gc.set_threshold(*threshold)
