"""Forms a role can never submit are refused before they are filled in, in the layout, saying why,
and are not linked (issue 8)."""

import pytest

from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/findings/new/", "只有审计机关的审计人员可以登记审计查出问题。"),
        ("/projects/new/", "只有审计机关的审计人员可以新建审计项目。"),
    ],
)
# The administrators reach no business page at all (404; rectify/accounts/tests/test_separation.py).
@pytest.mark.parametrize("username", ["unit", "dept", "gov", "finance"])
def test_a_role_that_can_never_submit_the_form_is_refused_before_filling_it_in(client, world, username, url, reason):
    assert client.login(username=username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert reason in html
    assert "<form" not in html.split('data-testid="error-page"')[1]  # no form to fill in
    assert 'data-testid="current-user"' in html and 'href="/workbench/"' in html  # the layout, a way back
    assert client.post(url, {"title": "x"}).status_code == 403


@pytest.mark.parametrize("url", ["/findings/new/", "/projects/new/"])
def test_an_auditor_still_gets_the_forms(client, world, url):
    assert client.login(username="auditor", password=PASSWORD)
    assert client.get(url).status_code == 200


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, world):
    response = client.get("/findings/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_forms_are_not_linked_for_a_unit(client, world):
    assert client.login(username="unit", password=PASSWORD)
    for page in ("/projects/", f"/projects/{world.project.pk}/", "/workbench/", "/ledger/"):
        html = client.get(page).content.decode()
        assert "/findings/new/" not in html and "/projects/new/" not in html, page


# --- every form of the site, every demo role -----------------------------------------------------------

# The demo accounts (DESIGN.md section 7); the test world has a user of each name in the same role.
DEMO_ROLES = [
    "auditor", "auditlead", "unit", "unithead", "dept", "orgdept", "discipline", "finance", "committee", "gov",
    "congress", "sysadmin", "secadmin", "logaudit",
]  # fmt: skip
AUDIT = {"auditor", "auditlead"}
UNIT = {"unit", "unithead"}
SEES_FINDING = AUDIT | UNIT | {"dept"}  # a budget-execution finding of the unit: not fiscal, not a cadre audit
SEES_ROWS = AUDIT | UNIT | {"dept", "orgdept", "finance"}
EVERYONE = set(DEMO_ROLES)
# The three administrators open no business page: every form but their own settings answers 404.
NOT_ADMINS = EVERYONE - {"sysadmin", "secadmin", "logaudit"}

# (name, URL with {finding} / {project}, who may submit it, who sees its object, the answer to a POST of
# nothing by one who may: the form again with its errors (200), or where a button's POST goes).
FORMS = [
    ("record finding", "/findings/new/", AUDIT, NOT_ADMINS, 200),
    ("open project", "/projects/new/", AUDIT, NOT_ADMINS, 200),
    ("import ledger", "/ledger/import/", AUDIT, NOT_ADMINS, 200),
    ("correct finding", "/findings/{finding}/edit/", AUDIT, SEES_FINDING, 200),
    ("issue project", "/projects/{project}/issue/", AUDIT, SEES_FINDING, 200),
    ("plan", "/findings/{finding}/plan/", UNIT, SEES_FINDING, 200),
    ("report", "/findings/{finding}/report/", UNIT, SEES_FINDING, 200),
    ("delay explanation", "/findings/{finding}/delay/", UNIT, SEES_FINDING, 200),
    ("verification", "/findings/{finding}/verify/", AUDIT, SEES_FINDING, 200),
    ("return for rework", "/findings/{finding}/act/return/", AUDIT, SEES_FINDING, 200),
    ("start rectifying", "/findings/{finding}/act/start/", UNIT, SEES_FINDING, 200),
    ("resume", "/findings/{finding}/act/resume/", AUDIT | UNIT, SEES_FINDING, 200),
    ("ledger columns", "/ledger/columns/", SEES_ROWS, NOT_ADMINS, 302),
    ("saved view", "/ledger/saved/", SEES_ROWS, NOT_ADMINS, 302),
    ("close-out sheets batch", "/ledger/close-out-sheets/", SEES_ROWS, NOT_ADMINS, 400),  # none verified yet
    ("notification preferences", "/notifications/preferences/", EVERYONE, EVERYONE, 302),
]
POST_ONLY = {"/ledger/columns/", "/ledger/saved/", "/ledger/close-out-sheets/"}


@pytest.fixture
def submitted(world):
    return make_finding(world, state="submitted")


def expected_status(username: str, may: set, sees: set, ok: int) -> int:
    if username in may:
        return ok
    return 403 if username in sees else 404


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_every_form_answers_each_role_before_it_is_filled_in(client, world, submitted, username):
    assert client.login(username=username, password=PASSWORD)
    wrong = []
    for name, pattern, may, sees, posted in FORMS:
        url = pattern.format(finding=submitted.pk, project=world.project.pk)
        get_ok = 405 if pattern in POST_ONLY else 200
        answers = (client.get(url).status_code, client.post(url, {}).status_code)
        expected = (expected_status(username, may, sees, get_ok), expected_status(username, may, sees, posted))
        if answers != expected:
            wrong.append(f"{name} {url}: GET, POST answered {answers}, expected {expected}")
    assert wrong == []
    submitted.refresh_from_db()
    assert submitted.state == "submitted"  # nothing was done


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_no_page_links_a_form_the_role_may_not_use(client, world, submitted, username):
    assert client.login(username=username, password=PASSWORD)
    pages = ["/workbench/", "/ledger/", "/projects/", f"/findings/{submitted.pk}/", f"/projects/{world.project.pk}/"]
    html = ""
    for page in pages:
        response = client.get(page, follow=True)
        if response.status_code == 200:
            html += response.content.decode()
    refused = [
        pattern.format(finding=submitted.pk, project=world.project.pk)
        for _name, pattern, may, _sees, _ok in FORMS
        if username not in may
    ]
    assert [url for url in refused if f'"{url}' in html] == []


@pytest.mark.parametrize(
    ("username", "url", "reason"),
    [
        ("dept", "/findings/{finding}/plan/", "只有整改责任单位可以制定整改方案。"),
        ("auditor", "/findings/{finding}/report/", "只有整改责任单位可以报送整改情况。"),
        ("unit", "/findings/{finding}/verify/", "只有审计机关的审计人员可以核实认定。"),
        ("unithead", "/findings/{finding}/edit/", "只有本项目所属审计机关的审计人员可以登记或修改问题。"),
        ("unit", "/findings/{finding}/act/return/", "您的角色不能对该问题执行「退回重新整改」。"),
        ("dept", "/projects/{project}/issue/", "只有本项目所属审计机关的审计人员可以出具审计报告并下达问题。"),
        ("gov", "/ledger/saved/", "您的角色不查看整改台账明细，无需设置台账。"),
    ],
)
def test_a_refused_form_says_why_in_the_layout(client, world, submitted, username, url, reason):
    assert client.login(username=username, password=PASSWORD)
    response = client.get(url.format(finding=submitted.pk, project=world.project.pk))
    assert response.status_code == 403
    html = response.content.decode()
    assert reason in html and 'data-testid="error-page"' in html
    assert "<form" not in html.split('data-testid="error-page"')[1]


def test_an_auditor_of_a_higher_office_reads_the_finding_but_gets_no_form(client, world, submitted):
    """The city office sees the district's ledger (DESIGN.md section 4) but does not work it."""
    assert client.login(username="city_auditor", password=PASSWORD)
    assert client.get(f"/findings/{submitted.pk}/").status_code == 200
    for url in (f"/findings/{submitted.pk}/edit/", f"/findings/{submitted.pk}/verify/"):
        assert client.get(url).status_code == 403, url
    html = client.get(f"/findings/{submitted.pk}/").content.decode()
    assert f"/findings/{submitted.pk}/edit/" not in html and f"/findings/{submitted.pk}/verify/" not in html
