"""Panels that the mechanism apps contribute to the read pages (workbench, finding, organization).

Those pages live in ``ledger``, which sits below the mechanism apps and may not import them; each
mechanism app registers the panels it adds here instead (in its ``AppConfig.ready``), the way it
registers its scopes. A panel renders its own template with the context its function builds for the
user (and the page's object), or is left out when the function answers ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WORKBENCH = "workbench"
FINDING = "finding"
ORGANIZATION = "organization"
PAGES = (WORKBENCH, FINDING, ORGANIZATION)

# Where on its page a panel stands: above the page's own content (what the role must see first) or
# below it.
TOP = "top"
BOTTOM = "bottom"


@dataclass(frozen=True)
class Panel:
    key: str
    page: str
    template: str
    # (user, object shown or None) -> the template's ``panel`` context, or None to leave it out.
    context: Callable[[Any, Any], dict | None]
    position: str = BOTTOM
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    """Adds (or replaces, by key) a panel."""
    if panel.page not in PAGES:
        raise ValueError(f"unknown page {panel.page!r}")
    if panel.position not in (TOP, BOTTOM):
        raise ValueError(f"unknown panel position {panel.position!r}")
    _PANELS[panel.key] = panel


def panels_for(page: str, user, obj: Any = None) -> dict[str, list[dict]]:
    """The panels of ``page`` shown to ``user``, by position: ``{"top": [...], "bottom": [...]}``,
    each as ``{"key", "template", "context"}``."""
    shown: dict[str, list[dict]] = {TOP: [], BOTTOM: []}
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.page != page:
            continue
        context = panel.context(user, obj)
        if context is not None:
            shown[panel.position].append({"key": panel.key, "template": panel.template, "context": context})
    return shown
