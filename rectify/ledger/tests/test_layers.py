"""The layers of DESIGN.md section 5, as far as the ledger's split goes: findings knows nothing of
rectification, and no domain app below the ledger (nor core) knows the ledger.

Imports are read from the source (every ``import``, at module level or inside a function, and under
``TYPE_CHECKING`` too), so a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RECTIFY = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # ``from rectify import rectification`` names the package in the imported name.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def app_modules(app: str) -> list[Path]:
    """The app's Python modules, leaving out its tests and migrations."""
    root = RECTIFY / app
    return [
        path
        for path in sorted(root.rglob("*.py"))
        if not ({"tests", "migrations"} & set(path.relative_to(root).parts[:-1]))
    ]


def offenders(app: str, forbidden: str) -> list[str]:
    return [
        f"{path.relative_to(RECTIFY.parent)} imports {module}"
        for path in app_modules(app)
        for module in sorted(imported_modules(path))
        if module == forbidden or module.startswith(forbidden + ".")
    ]


def test_the_modules_are_found():
    assert len(app_modules("findings")) > 10 and not any("tests" in p.parts for p in app_modules("findings"))


def test_findings_does_not_import_rectification():
    """A parent app never imports its child: rectification builds on findings, not the reverse."""
    assert offenders("findings", "rectify.rectification") == []


@pytest.mark.parametrize("app", ["core", "accounts", "organizations", "audits", "findings", "rectification"])
def test_the_ledger_is_imported_by_no_app_below_it(app):
    assert offenders(app, "rectify.ledger") == []


def test_the_checker_sees_lazy_and_package_imports(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "from rectify import rectification\n"
        "def f():\n    from rectify.ledger.figures import ledger_figures\n"
        "import rectify.rectification.models as m\n",
        encoding="utf-8",
    )
    found = imported_modules(module)
    assert {"rectify.rectification", "rectify.ledger.figures", "rectify.rectification.models"} <= found


def summaries_modules_outside_api() -> list[Path]:
    return [
        path for path in app_modules("summaries") if "api" not in path.relative_to(RECTIFY / "summaries").parts[:-1]
    ]


@pytest.mark.parametrize("forbidden", ["rectify.documents", "rectify.exchange", "rectify.api", "rectify.demo"])
def test_summaries_is_a_mechanism_app_that_imports_no_way_in_or_out(forbidden):
    """Summary reports (layer 5) compute and record; their Word documents and Excel annexes are written
    in ``documents`` and ``exchange`` (layer 6), which import them. Its ``api/`` package builds on the API's
    base classes, as every app's does, and imports neither documents nor exchange either."""
    found = [
        f"{path.relative_to(RECTIFY.parent)} imports {module}"
        for path in app_modules("summaries")
        for module in sorted(imported_modules(path))
        if (module == forbidden or module.startswith(forbidden + "."))
        and not (forbidden == "rectify.api" and path not in summaries_modules_outside_api())
    ]
    assert found == []


@pytest.mark.parametrize(
    "app", ["core", "accounts", "organizations", "audits", "findings", "rectification", "ledger", "notifications"]
)
def test_summaries_is_imported_by_no_app_below_it(app):
    assert offenders(app, "rectify.summaries") == []


def _outside_api(app: str) -> list[Path]:
    return [path for path in app_modules(app) if "api" not in path.relative_to(RECTIFY / app).parts[:-1]]


MECHANISMS = [
    "supervision", "congress", "interviews", "referrals", "sharing", "security_log", "assessment", "references",
    "portal", "analysis", "campaigns", "lookback",
]  # fmt: skip


@pytest.mark.parametrize("app", MECHANISMS)
@pytest.mark.parametrize("forbidden", ["rectify.documents", "rectify.exchange", "rectify.api", "rectify.demo"])
def test_the_mechanism_apps_import_no_way_in_or_out(app, forbidden):
    """Supervised matters, circulars, congress matters and interviews (layer 5) record and decide; their
    Word documents are written in ``documents`` (layer 6), which imports them. Their ``api/`` packages
    build on the API's base classes, as every app's does."""
    outside_api = _outside_api(app)
    found = [
        f"{path.relative_to(RECTIFY.parent)} imports {module}"
        for path in app_modules(app)
        for module in sorted(imported_modules(path))
        if (module == forbidden or module.startswith(forbidden + "."))
        and not (forbidden == "rectify.api" and path not in outside_api)
    ]
    assert found == []


@pytest.mark.parametrize(
    "app",
    ["core", "accounts", "organizations", "audits", "findings", "rectification", "ledger", "notifications",
     "reporting", "summaries"],
)  # fmt: skip
@pytest.mark.parametrize("mechanism", [f"rectify.{app}" for app in MECHANISMS])
def test_the_mechanism_apps_are_imported_by_no_app_below_them(app, mechanism):
    assert offenders(app, mechanism) == []


def test_supervision_and_congress_do_not_import_each_other():
    assert offenders("supervision", "rectify.congress") == []
    assert offenders("congress", "rectify.supervision") == []


def _apps() -> list[str]:
    return sorted(p.name for p in RECTIFY.iterdir() if (p / "apps.py").exists())


@pytest.mark.parametrize("app", [a for a in _apps() if a not in ("demo", "generate")])
@pytest.mark.parametrize("builder", ["rectify.demo", "rectify.generate"])
def test_the_data_builders_sit_on_top(app, builder):
    """The demo district and the generated province (layer 7) build data through the apps' own row
    constructors; no app imports them."""
    assert offenders(app, builder) == []


def test_the_demo_does_not_import_the_generator():
    assert offenders("demo", "rectify.generate") == []


@pytest.mark.parametrize("app", ["core", "accounts", "organizations", "audits", "findings", "rectification"])
def test_the_tallies_are_imported_by_no_app_below_them(app):
    """The tallies (layer 4, beside the ledger) read findings and rectification; those know nothing of them."""
    assert offenders(app, "rectify.tallies") == []


def test_the_tallies_do_not_import_the_ledger():
    assert offenders("tallies", "rectify.ledger") == []
