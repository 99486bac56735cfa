"""The pages, the API, the export and who sees what (a unit its own, a department its units', the
committee office and the government the confirmed results, the administrators nothing)."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from rectify.assessment import services
from rectify.assessment.models import Assessment
from rectify.assessment.tests.helpers import EXPECTED, TOTAL, computed
from rectify.testing import PASSWORD, api_token, make_finding

pytestmark = pytest.mark.django_db


def login(client, world, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def api(world, username):
    return APIClient(HTTP_AUTHORIZATION=f"Token {api_token(world[username])}")


def test_who_sees_an_assessment(client, world):
    data = computed(world)
    a, sibling = data["assessment"], data["sibling_assessment"]
    url = f"/assessment/units/{a.pk}/"
    for username in ("auditor", "auditlead", "city_auditor"):
        assert login(client, world, username).get(url).status_code == 200, username
    # Before the review: the audit office's working paper.
    for username in ("unit", "dept", "committee", "gov", "sibling", "auditor_b", "sysadmin", "secadmin", "logaudit"):
        assert login(client, world, username).get(url).status_code == 404, username
    services.review(world["auditlead"], a.pk)
    for username in ("unit", "unithead", "dept"):
        assert login(client, world, username).get(url).status_code == 200, username
    for username in ("sibling", "other", "committee", "gov", "orgdept", "finance", "sysadmin"):
        assert login(client, world, username).get(url).status_code == 404, username
    services.confirm(world["auditlead"], a.pk)
    for username in ("committee", "gov"):
        assert login(client, world, username).get(url).status_code == 200, username
    # A unit sees its own, never another's.
    services.review(world["auditlead"], sibling.pk)
    assert login(client, world, "unit").get(f"/assessment/units/{sibling.pk}/").status_code == 404
    assert login(client, world, "sibling").get(f"/assessment/units/{sibling.pk}/").status_code == 200
    listed = api(world, "unit").get("/api/assessments/").json()
    assert [row["id"] for row in listed["results"]] == [a.pk]
    assert api(world, "dept").get("/api/assessments/").json()["count"] == 2
    assert api(world, "sysadmin").get(f"/api/assessments/{a.pk}/").status_code == 404
    # The administrators: nothing through the scope, and no business page or endpoint at all.
    assert not Assessment.objects.restrict(world["sysadmin"]).exists()
    assert api(world, "sysadmin").get("/api/assessments/").status_code == 404
    assert login(client, world, "sysadmin").get("/assessment/2025/").status_code == 404


def test_the_assessment_page_shows_each_line_its_explanation_and_links_to_the_facts(client, world):
    data = computed(world)
    a, f = data["assessment"], data["findings"]
    page = login(client, world, "auditlead").get(f"/assessment/units/{a.pk}/").content.decode()
    assert page.count('data-testid="line"') == 6
    assert f'href="/findings/{f["F5"].pk}/"' in page
    assert f'href="/interviews/{data["interviews"][0].pk}/"' in page
    assert f'href="/referrals/{data["referral"].pk}/"' in page
    assert "50.00 × 80.0% = 40.00分" in page
    for step in ("recompute", "review", "adjust"):
        assert f'data-testid="{step}"' in page
    # The unit, once reviewed, sees its lines; the referral it may not open is named without a link.
    services.review(world["auditlead"], a.pk)
    page = login(client, world, "unit").get(f"/assessment/units/{a.pk}/").content.decode()
    assert page.count('data-testid="line"') == 6 and 'data-testid="review"' not in page
    assert f'href="/findings/{f["F5"].pk}/"' in page


def test_adjusting_through_the_page_keeps_what_was_typed_and_the_reason(client, world):
    data = computed(world)
    line = data["assessment"].lines.get(code="interviews")
    url = f"/assessment/lines/{line.pk}/adjust/"
    assert login(client, world, "auditor").get(url).status_code == 403
    login(client, world, "auditlead")
    answer = client.post(url, {"points": "-3.00", "reason": "", "version": data["assessment"].version})
    assert answer.status_code == 200 and "reason" in answer.context["form"].errors
    assert answer.context["form"]["points"].value() == "-3.00"
    answer = client.post(
        url, {"points": "-3.00", "reason": "一次约谈系上级安排", "version": data["assessment"].version}, follow=True
    )
    assert answer.redirect_chain and "调整理由已记录" in answer.content.decode()
    assert Assessment.objects.get(pk=data["assessment"].pk).total == TOTAL + Decimal("3.00")
    assert "一次约谈系上级安排" in client.get(f"/assessment/units/{data['assessment'].pk}/").content.decode()


def test_the_scheme_page_edits_rules_until_frozen(client, world):
    login(client, world, "auditor")
    answer = client.post("/assessment/schemes/new/", {"year": "2025"}, follow=True)
    scheme = answer.context["scheme"]
    edit = f"/assessment/schemes/{scheme.pk}/edit/"
    form = client.get(edit).context["form"]
    values = {name: ("" if value is None else value) for name, value in form.initial.items()}
    values["points_rectification_rate"] = "60"
    answer = client.post(edit, values)
    assert answer.status_code == 200 and "100" in answer.content.decode()  # the ratios must add up to 100
    assert answer.context["form"]["points_rectification_rate"].value() == "60"
    values.update(points_rectification_rate="40", points_on_time_reporting="35", cap_referrals="15")
    answer = client.post(edit, values, follow=True)
    assert answer.redirect_chain
    rules = {r.code: r for r in scheme.rules.all()}
    assert rules["rectification_rate"].points == Decimal("40.00") and rules["referrals"].cap == Decimal("15.00")
    assert login(client, world, "committee").get(edit).status_code == 403  # reads the scheme, edits nothing
    assert login(client, world, "committee").get(f"/assessment/schemes/{scheme.pk}/").status_code == 200
    assert login(client, world, "unit").get(edit).status_code == 404
    login(client, world, "auditlead")
    scheme.refresh_from_db()
    client.post(f"/assessment/schemes/{scheme.pk}/freeze/", {"version": scheme.version})
    scheme.refresh_from_db()
    assert scheme.is_frozen
    values["version"] = scheme.version
    answer = client.post(edit, values)
    assert answer.status_code == 200 and "已定稿" in answer.content.decode()


def test_a_scheme_edit_made_over_anothers_is_refused_and_keeps_what_was_typed(client, world):
    """Optimistic locking (issue 11, defect 7): two auditors open the scheme; the second save, made from
    the version both read, overwrites nothing and says so, keeping what was typed."""
    login(client, world, "auditor")
    scheme = client.post("/assessment/schemes/new/", {"year": "2025"}, follow=True).context["scheme"]
    edit = f"/assessment/schemes/{scheme.pk}/edit/"
    form = client.get(edit).context["form"]
    values = {name: ("" if value is None else value) for name, value in form.initial.items()}
    first = dict(values, points_rectification_rate="40", points_on_time_reporting="35")
    assert client.post(edit, first, follow=True).redirect_chain  # the first save (version as read)
    second = dict(values, title="第二人的方案名称", cap_referrals="15")  # the same version, now stale
    answer = client.post(edit, second)
    html = answer.content.decode()
    assert answer.status_code == 200 and "已被他人修改" in html and "第二人的方案名称" in html
    scheme.refresh_from_db()
    rules = {r.code: r for r in scheme.rules.all()}
    assert scheme.title != "第二人的方案名称" and rules["rectification_rate"].points == Decimal("40.00")
    assert rules["referrals"].cap != Decimal("15.00")


def test_compute_through_the_page_and_the_ranking(client, world, django_capture_on_commit_callbacks):
    from rectify.assessment.tests.helpers import build_year

    build_year(world)
    login(client, world, "auditor")
    scheme = services.create_scheme(world["auditor"], 2025)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/assessment/schemes/{scheme.pk}/compute/", {}, follow=True)
    assert answer.redirect_chain
    page = client.get("/assessment/2025/")
    rows = list(page.context["table"].rows)
    assert [row.record.unit_id for row in rows] == [world.sibling_unit.pk, world.unit.pk]
    assert [row.record.rank for row in rows] == [1, 2]
    ascending = client.get("/assessment/2025/?sort=total")
    assert [row.record.unit_id for row in ascending.context["table"].rows] == [world.unit.pk, world.sibling_unit.pk]
    assert "2025" in client.get("/assessment/").content.decode()


def test_the_ranking_page_asks_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    data = computed(world)
    login(client, world, "auditor")
    client.get("/assessment/2025/")
    with django_assert_max_num_queries(14):
        client.get("/assessment/2025/")
    for index in range(6):
        make_finding(world, state="issued", unit=world.other_unit, title=f"另一单位问题{index}")
    services.compute_scheme(data["scheme"].pk)
    assert Assessment.objects.count() == 3
    with django_assert_max_num_queries(14):
        client.get("/assessment/2025/")
    with django_assert_max_num_queries(18):
        client.get(f"/assessment/units/{data['assessment'].pk}/")


def test_the_export_opens_with_openpyxl_and_holds_no_formula(client, world):
    data = computed(world)
    # A unit name that a spreadsheet would take for a formula stays text.
    world.unit.name = '=HYPERLINK("http://x","点击")'
    world.unit.save()
    answer = login(client, world, "auditor").get("/assessment/2025/export.xlsx")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    ranking, lines = book["考核结果"], book["得分明细"]
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    rows = list(ranking.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[2], Decimal(str(r[4]))) for r in rows] == [
        (1, world.sibling_unit.name, Decimal("100")),
        (2, world.unit.name, TOTAL),
    ]
    assert ranking.cell(row=5, column=3).quotePrefix is True
    details = [r for r in lines.iter_rows(min_row=2, values_only=True) if r[0] == world.unit.name]
    assert {r[2]: Decimal(str(r[6])) for r in details} == {
        line.name: EXPECTED[line.code] for line in data["assessment"].lines.all()
    }
    assert all(r[8] for r in details)  # every line with its explanation
    # The scope holds in the export too: a unit's export is its own (reviewed) result only.
    services.review(world["auditlead"], data["assessment"].pk)
    answer = login(client, world, "unit").get("/assessment/2025/export.xlsx")
    rows = list(load_workbook(io.BytesIO(answer.content))["考核结果"].iter_rows(min_row=4, values_only=True))
    assert [r[2] for r in rows] == [world.unit.name]
    assert login(client, world, "sysadmin").get("/assessment/2025/export.xlsx").status_code == 404
    answer = login(client, world, "committee").get("/assessment/2025/export.xlsx")  # nothing confirmed yet
    assert list(load_workbook(io.BytesIO(answer.content))["考核结果"].iter_rows(min_row=4, values_only=True)) == []


def test_the_api_reads_lines_and_acts(world, django_capture_on_commit_callbacks):
    data = computed(world)
    a = data["assessment"]
    body = api(world, "auditor").get(f"/api/assessments/{a.pk}/").json()
    assert body["year"] == 2025 and body["unit"] == world.unit.pk and Decimal(body["total"]) == TOTAL
    assert {line["code"]: Decimal(line["points"]) for line in body["lines"]} == EXPECTED
    assert all(line["explanation"] and "groups" in line["facts"] for line in body["lines"])
    assert api(world, "auditor").get("/api/assessments/?year=2024").json()["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(world, "auditor").post("/api/assessments/compute/", {"year": 2025}, format="json")
    assert answer.status_code == 202 and answer.json()["scheme"] == data["scheme"].pk
    assert api(world, "auditor").post("/api/assessments/compute/", {"year": 2019}, format="json").status_code == 404
    assert api(world, "unit").post("/api/assessments/compute/", {"year": 2025}, format="json").status_code == 404
    lead = api(world, "auditlead")
    line = a.lines.get(code="referrals")
    answer = lead.post(
        f"/api/assessments/{a.pk}/adjust/", {"line": line.pk, "points": "0", "reason": ""}, format="json"
    )
    assert answer.status_code == 400 and "reason" in answer.json()
    answer = lead.post(
        f"/api/assessments/{a.pk}/adjust/", {"line": line.pk, "points": "0", "reason": "移送已撤回"}, format="json"
    )
    assert answer.status_code == 200 and Decimal(answer.json()["total"]) == TOTAL + Decimal("5.00")
    assert api(world, "auditor").post(f"/api/assessments/{a.pk}/review/", {}, format="json").status_code == 403
    version = answer.json()["version"]
    assert lead.post(f"/api/assessments/{a.pk}/review/", {"version": version - 1}, format="json").status_code == 412
    assert (
        lead.post(f"/api/assessments/{a.pk}/review/", {"comment": "同意"}, format="json").json()["state"] == "reviewed"
    )
    assert lead.post(f"/api/assessments/{a.pk}/confirm/", {}, format="json").json()["state"] == "confirmed"
    answer = api(world, "auditor").post(f"/api/assessments/{a.pk}/recompute/", {}, format="json")
    assert answer.status_code in (400, 409) and "已确认" in str(answer.json())
    assert api(world, "unit").post(f"/api/assessments/{a.pk}/recompute/", {}, format="json").status_code == 403


def test_the_workbench_panels(client, world):
    data = computed(world)
    page = login(client, world, "auditlead").get("/workbench/").content.decode()
    assert 'data-testid="assessment-awaiting"' in page and "待审核 2 个" in page
    assert 'data-testid="assessment-results"' not in login(client, world, "unit").get("/workbench/").content.decode()
    services.review(world["auditlead"], data["assessment"].pk)
    page = login(client, world, "unit").get("/workbench/").content.decode()
    assert page.count('data-testid="assessment-result"') == 1 and str(TOTAL) in page
    assert (
        login(client, world, "dept").get("/workbench/").content.decode().count('data-testid="assessment-result"') == 1
    )
