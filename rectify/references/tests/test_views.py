"""The pages of the references: exactly the leaders and the units each reader's scope gives, 404 to every
other role, the exports (formula-free workbooks) and query counts that do not grow with the data."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from rectify.audits.choices import AuditType
from rectify.testing import make_finding, make_project

pytestmark = pytest.mark.django_db

NOT_CADRE_READERS = ["unit", "unithead", "sibling", "dept", "finance", "discipline", "committee", "gov", "congress",
                     "sysadmin", "secadmin", "logaudit"]  # fmt: skip
NOT_BUDGET_READERS = ["unit", "unithead", "sibling", "dept", "orgdept", "discipline", "committee", "gov", "congress",
                      "sysadmin", "secadmin", "logaudit"]  # fmt: skip


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (user.username, url, response.status_code)
    return response.content.decode()


def listed_cadres(client, user) -> set[str]:
    content = page(client, user, "/references/cadres/")
    return {name for name in ("张建华", "李明", "王芳", "预算执行负责人", "乙区干部") if name in content}


def test_the_organization_department_sees_exactly_the_cadre_audits_of_its_jurisdiction(client, world, refs):
    assert listed_cadres(client, world["orgdept"]) == {"张建华", "李明", "王芳"}
    page(client, world["orgdept"], f"/references/cadres/{world.cadre_project.pk}/")
    page(client, world["orgdept"], f"/references/cadres/{refs['nature'].pk}/")
    page(client, world["orgdept"], f"/references/cadres/{world.project.pk}/", 404)  # a budget audit
    page(client, world["orgdept"], f"/references/cadres/{refs['cadre_b'].pk}/", 404)  # another district


def test_the_audit_office_reads_the_cadre_reference_in_its_jurisdiction(client, world, refs):
    assert listed_cadres(client, world["auditor"]) == {"张建华", "李明", "王芳"}
    assert listed_cadres(client, world["auditlead"]) == {"张建华", "李明", "王芳"}
    assert listed_cadres(client, world["auditor_b"]) == {"乙区干部"}
    assert listed_cadres(client, world["city_auditor"]) == {"张建华", "李明", "王芳", "乙区干部"}


@pytest.mark.parametrize("username", NOT_CADRE_READERS)
def test_every_other_role_gets_404_from_the_cadre_reference(client, world, refs, username):
    user = world[username]
    pk = world.cadre_project.pk
    for url in ("/references/cadres/", f"/references/cadres/{pk}/", f"/references/cadres/{pk}/print/",
                "/references/cadres/export.xlsx", f"/references/cadres/{pk}/export.xlsx"):  # fmt: skip
        page(client, user, url, 404)
    client.force_login(user)
    assert 'data-testid="nav-cadre-reference"' not in client.get("/", follow=True).content.decode()


@pytest.mark.parametrize("username", NOT_BUDGET_READERS)
def test_every_other_role_gets_404_from_the_budget_reference(client, world, refs, username):
    user = world[username]
    for url in ("/references/budget/", f"/references/budget/units/{world.unit.pk}/",
                "/references/budget/export.xlsx"):  # fmt: skip
        page(client, user, url, 404)


def test_the_cadre_detail_shows_findings_rectification_and_outcomes(client, world, refs):
    content = page(client, world["orgdept"], f"/references/cadres/{world.cadre_project.pk}/")
    assert refs["c1"].ledger_number in content and refs["c2"].ledger_number in content
    assert refs["f1"].ledger_number not in content
    assert "虚假整改" in content  # the latest verdict on c1
    assert "给予诫勉处理" in content and "张建华（原校长）" in content  # the referral's outcome
    assert 'data-testid="cadre-interview"' in content
    printed = page(client, world["orgdept"], f"/references/cadres/{world.cadre_project.pk}/print/")
    assert "print-page" in printed and refs["c1"].ledger_number in printed
    # The proposal on the natural-resource audit's finding is the office's working paper.
    content = page(client, world["orgdept"], f"/references/cadres/{refs['nature'].pk}/")
    assert 'data-testid="cadre-interview"' not in content


def test_the_cadre_list_filters(client, world, refs):
    client.force_login(world["orgdept"])
    content = client.get("/references/cadres/", {"year": 2024}).content.decode()
    assert "李明" in content and "张建华" not in content
    content = client.get("/references/cadres/", {"name": "张建"}).content.decode()
    assert "张建华" in content and "李明" not in content
    content = client.get("/references/cadres/", {"unit": world.other_unit.pk}).content.decode()
    assert "李明" in content and "张建华" not in content
    content = client.get("/references/cadres/", {"q": "王"}).content.decode()
    assert "王芳" in content and "李明" not in content
    assert client.get("/references/cadres/", {"year": "abc"}).status_code == 200
    # The unit filter offers the units of the listed audits only.
    content = client.get("/references/cadres/").content.decode()
    assert f'<option value="{world.other_unit.pk}"' in content and world.unit_b.name not in content


def test_finance_sees_only_fiscal_figures(client, world, refs):
    content = page(client, world["finance"], "/references/budget/")
    assert content.count('data-testid="budget-row"') == 2
    assert world.unit.name in content and world.sibling_unit.name in content
    assert world.other_unit.name not in content and world.unit_b.name not in content
    assert "119,999.50" in content and "8,000.25" in content
    assert "999,999.00" not in content  # the finding not about fiscal funds
    unit = page(client, world["finance"], f"/references/budget/units/{world.unit.pk}/")
    assert refs["f1"].ledger_number in unit and refs["f5"].ledger_number in unit
    assert refs["f3"].ledger_number not in unit and refs["f6"].ledger_number not in unit
    assert unit.count('data-testid="history-row"') == 5
    page(client, world["finance"], f"/references/budget/units/{world.other_unit.pk}/", 404)
    page(client, world["finance"], f"/references/budget/units/{world.unit_b.pk}/", 404)


def test_the_ranking_sorts_and_filters(client, world, refs):
    client.force_login(world["finance"])
    content = client.get("/references/budget/", {"sort": "amount_involved"}).content.decode()
    assert content.index(world.sibling_unit.name) < content.index(world.unit.name)
    content = client.get("/references/budget/", {"sort": "-amount_involved"}).content.decode()
    assert content.index(world.unit.name) < content.index(world.sibling_unit.name)
    content = client.get("/references/budget/", {"year": 2025}).content.decode()
    assert content.count('data-testid="budget-row"') == 1


def _no_formula(workbook) -> None:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_the_exports_open_and_hold_no_formula(client, world, refs):
    from rectify.findings.models import Finding

    # A title that a spreadsheet would take for a formula stays text.
    Finding.objects.filter(pk=refs["c1"].pk).update(title='=HYPERLINK("http://x","点击")')
    Finding.objects.filter(pk=refs["f1"].pk).update(title="+1+1")
    client.force_login(world["orgdept"])
    response = client.get("/references/cadres/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    _no_formula(book)
    leaders = [row[0] for row in book["被审计领导干部"].iter_rows(min_row=2, values_only=True)]
    assert sorted(leaders) == sorted(["张建华（原区第一中学校长）", "李明（原区交通局局长）", "王芳"])
    titles = [row[2] for row in book["问题及整改情况"].iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("http://x","点击")' in titles
    amounts = {row[1]: row[8] for row in book["问题及整改情况"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(amounts[refs["c1"].ledger_number])) == Decimal("60000.00")
    outcomes = list(book["追责问责"].iter_rows(min_row=2, values_only=True))
    assert any("诫勉" in (row[8] or "") for row in outcomes)
    one = client.get(f"/references/cadres/{world.cadre_project.pk}/export.xlsx")
    assert [row[0] for row in load_workbook(io.BytesIO(one.content))["被审计领导干部"].iter_rows(
        min_row=2, values_only=True)] == ["张建华（原区第一中学校长）"]  # fmt: skip

    client.force_login(world["finance"])
    response = client.get("/references/budget/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    _no_formula(book)
    rows = list(book["单位排名"].iter_rows(min_row=3, values_only=True))
    assert rows[0][1] == world.unit.name and Decimal(str(rows[0][9])) == Decimal("119999.50")
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][6])) == Decimal("283000.25")
    history = list(book["分年度情况"].iter_rows(min_row=2, values_only=True))
    assert len(history) == 2 * 5  # two units, five years each
    assert [row[1] for row in history[:5]] == [2025, 2024, 2023, 2022, 2021]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_data(world, n: int = 3):
    """More units with fiscal findings, more cadre audits with findings, in more years."""
    from rectify.testing import OrganizationFactory, make_user

    for i in range(n):
        unit = OrganizationFactory(name=f"新增单位{i}", jurisdiction=world.district_a)
        make_user(f"contact{i}", unit, "unit_contact")
        project = make_project(world, world.office_a, [unit], AuditType.ECONOMIC_RESPONSIBILITY, year=2020 + i,
                               audited_official=f"新增干部{i}")  # fmt: skip
        for _ in range(2):
            make_finding(world, "issued", project=project, unit=unit, involves_fiscal_funds=True,
                         category=world.fiscal_category, amount_involved=Decimal("10.00"))  # fmt: skip


@pytest.mark.parametrize(
    ("username", "url", "pinned"),
    [("finance", "/references/budget/", 15), ("finance", "/references/budget/export.xlsx", 22),
     # The organization department's scope reads the ids of the findings its referrals cite (one query).
     ("orgdept", "/references/cadres/", 20), ("orgdept", "/references/cadres/export.xlsx", 30),
     ("auditor", "/references/budget/", 15), ("auditor", "/references/cadres/", 19)],
)  # fmt: skip
def test_query_counts_do_not_grow_with_the_data(client, world, refs, username, url, pinned):
    """The same count with three more units, three more cadre audits and six more findings; pinned (the
    session, the user, the security log's record of an export and the page's own queries)."""
    client.force_login(world[username])
    _queries(client, url)  # warm (sessions, reference data)
    before = _queries(client, url)
    _more_data(world)
    after = _queries(client, url)
    assert after == before, (before, after)
    assert after <= pinned


def test_query_counts_of_the_detail_pages(client, world, refs, django_assert_max_num_queries):
    client.force_login(world["finance"])
    client.get(f"/references/budget/units/{world.unit.pk}/")
    with django_assert_max_num_queries(20):
        assert client.get(f"/references/budget/units/{world.unit.pk}/").status_code == 200
    client.force_login(world["orgdept"])
    client.get(f"/references/cadres/{world.cadre_project.pk}/")
    with django_assert_max_num_queries(25):
        assert client.get(f"/references/cadres/{world.cadre_project.pk}/").status_code == 200


def test_navigation_offers_the_references_to_their_readers(client, world, refs):
    for username, expected in [("orgdept", {"cadre"}), ("finance", {"budget"}), ("auditor", {"cadre", "budget"})]:
        client.force_login(world[username])
        content = client.get("/", follow=True).content.decode()
        shown = {kind for kind in ("cadre", "budget") if f'data-testid="nav-{kind}-reference"' in content}
        assert shown == expected, username
