"""Small groups in figures (issue 11, defect 12): those who see figures but not rows (the committee
office, the government, the congress …) get no group of fewer findings than ``RECTIFY_MIN_GROUP_SIZE``.

Filtered narrowly enough (one year, one department, one kind), a chart would show one finding's unit
and amount. A group smaller than the threshold is not shown (a note says why); when the groups left
out of a breakdown would add up to fewer than the threshold, the next smallest goes too, so that no
small group can be derived from the total minus the groups shown. When the whole selection is smaller
than the threshold, no figure of it is shown at all.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

# The breakdowns of the dashboard, each a partition of the findings (by year, category, unit …), and the
# key of each row's count.
BREAKDOWNS = {"by_year": "total", "by_category": "total", "by_unit": "total", "by_department": "total",
              "by_state": "value", "by_colour": "value"}  # fmt: skip


def min_group_size() -> int:
    return max(int(getattr(settings, "RECTIFY_MIN_GROUP_SIZE", 3)), 1)


def note(size: int) -> str:
    return _("少于%(n)d条，不予显示") % {"n": size}


def _suppressed(rows: list[dict], key: str, size: int) -> set[int]:
    """Indexes of the rows to leave out: those under ``size`` (not empty ones), then the next smallest until
    what is left out adds up to none or to at least ``size``."""
    out = {i for i, row in enumerate(rows) if 0 < (row.get(key) or 0) < size}
    hidden = sum(rows[i][key] for i in out)
    remaining = sorted((i for i, row in enumerate(rows) if i not in out and (row.get(key) or 0) > 0),
                       key=lambda i: rows[i][key])  # fmt: skip
    while 0 < hidden < size and remaining:
        i = remaining.pop(0)
        out.add(i)
        hidden += rows[i][key]
    return out


def suppress_small_groups(data: dict, size: int | None = None) -> dict:
    """The dashboard's data (``dashboard_data``) as a figures-only role may see it."""
    size = size or min_group_size()
    total = data["figures"]["total"]
    data["min_group_size"] = size
    data["suppressed_note"] = ""
    if 0 < total < size:
        data["figures"] = dict.fromkeys(data["figures"])
        for name in BREAKDOWNS:
            data[name] = []
        data["amounts"] = {"involved": None, "methods": []}
        data["top_overdue"] = []
        data["suppressed_all"] = True
        data["suppressed_note"] = _("所选范围内的问题%(note)s：为防止识别具体问题，只显示不少于%(n)d条问题的统计。") % {
            "note": note(size), "n": size,
        }  # fmt: skip
        return data
    data["suppressed_all"] = False
    left_out = 0
    for name, key in BREAKDOWNS.items():
        rows = data[name]
        out = _suppressed(rows, key, size)
        if name == "by_colour":  # the colour chart lists every colour; a left-out one shows as nothing
            for i in out:
                rows[i][key] = 0
        else:
            data[name] = [row for i, row in enumerate(rows) if i not in out]
        left_out += len(out)
    if left_out:
        data["suppressed_note"] = _("部分分组的问题%(note)s（共 %(count)d 组），以防识别具体问题。") % {
            "note": note(size), "count": left_out,
        }  # fmt: skip
    return data


def suppress_small_overview(overview: dict, size: int | None = None) -> dict:
    """The workbench's overdue and repeat counts by unit and by category (``landing.overview``) as a
    figures-only role may see them: a count under ``size`` is not shown (nor, when the hidden counts of a
    column add up to less than ``size``, the next smallest), and a row left with nothing shown goes."""
    size = size or min_group_size()
    hidden_cells = 0
    for name in ("by_unit", "by_category"):
        rows = overview[name]
        for key in ("overdue", "repeat"):
            for i in _suppressed(rows, key, size):
                rows[i][key] = None
                hidden_cells += 1
        overview[name] = [row for row in rows if row["overdue"] or row["repeat"]]
    overview["suppressed_note"] = (
        _("部分分组的问题%(note)s，以防识别具体问题。") % {"note": note(size)} if hidden_cells else ""
    )
    return overview
