"""Who sees what (DESIGN.md section 4, core/visibility.py): one table, checked for every role and every object type.

The scene holds six findings of the two-district world; four of them carry the whole rectification
record (plan and milestone, a report with a rule, a person held accountable and evidence, a verification,
a delay explanation), so every object hanging off a finding exists for more than one finding and a rule
that let too much through would show.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from rectify.accounts.choices import RoleCode
from rectify.accounts.models import User
from rectify.audits.models import AuditProject
from rectify.core import visibility
from rectify.findings.models import Category, DeadlineRule, Finding, FindingEvent, Requirement
from rectify.organizations.models import Jurisdiction, Organization, Sector
from rectify.rectification import services as rectification
from rectify.rectification.models import (
    AccountabilityRecord,
    AdoptedRule,
    DelayExplanation,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    Verification,
)
from rectify.testing import PASSWORD, make_finding, make_user, upload

pytestmark = pytest.mark.django_db

# Every model whose visibility follows its finding, with the path from it to the finding.
HANGING = {
    Finding: "pk",
    Requirement: "finding",
    FindingEvent: "finding",
    Plan: "finding",
    Milestone: "plan__finding",
    ProgressReport: "finding",
    AdoptedRule: "report__finding",
    AccountabilityRecord: "report__finding",
    Evidence: "report__finding",
    Verification: "finding",
    DelayExplanation: "finding",
}

A_FINDINGS = {"draft", "unit", "sibling", "other_fiscal", "cadre"}
NO_FINDINGS: set[str] = set()
# The findings of the scene each account sees.
SEES_FINDINGS = {
    "auditor": A_FINDINGS,  # drafts included: they are the audit office's working papers
    "auditor2": A_FINDINGS,
    "auditlead": A_FINDINGS,
    "auditor_b": {"b_fiscal"},
    "city_auditor": A_FINDINGS | {"b_fiscal"},  # the city office sees the districts below it
    "unit": {"unit", "cadre"},  # its own, published ones only
    "unithead": {"unit", "cadre"},
    "sibling": {"sibling"},
    "other": {"other_fiscal"},
    "unit_b": {"b_fiscal"},
    "dept": {"unit", "sibling", "cadre"},  # the units under it, not other_unit
    "orgdept": {"cadre"},  # economic-responsibility and natural-resource audits only
    "finance": {"other_fiscal"},  # fiscal funds in its own district only
    "discipline": NO_FINDINGS,
    "committee": NO_FINDINGS,
    "committee2": NO_FINDINGS,
    "gov": NO_FINDINGS,
    "congress": NO_FINDINGS,
    "sysadmin": NO_FINDINGS,
    "secadmin": NO_FINDINGS,
    "logaudit": NO_FINDINGS,
}
# The audit projects each account sees: project (budget, A), cadre (economic responsibility, A), project_b (B).
SEES_PROJECTS = {
    "auditor": {"project", "cadre_project"},
    "auditor2": {"project", "cadre_project"},
    "auditlead": {"project", "cadre_project"},
    "auditor_b": {"project_b"},
    "city_auditor": {"project", "cadre_project", "project_b"},
    "unit": {"project", "cadre_project"},
    "unithead": {"project", "cadre_project"},
    "sibling": {"project"},
    "other": {"project"},
    "unit_b": {"project_b"},
    "dept": {"project", "cadre_project"},
    "orgdept": {"cadre_project"},
    "finance": {"project"},  # the project its fiscal finding belongs to
    "discipline": set(),
    "committee": set(),
    "committee2": set(),
    "gov": set(),
    "congress": set(),
    "sysadmin": set(),
    "secadmin": set(),
    "logaudit": set(),
}
A_ORGS = {
    "office_a",
    "dept",
    "unit",
    "sibling_unit",
    "other_unit",
    "orgdept",
    "finance",
    "discipline",
    "committee",
    "government",
    "congress",
}
# The organizations each account sees (names of World attributes).
SEES_ORGANIZATIONS = {
    "auditor": A_ORGS,
    "auditor2": A_ORGS,
    "auditlead": A_ORGS,
    "auditor_b": {"office_b", "unit_b"},
    "city_auditor": A_ORGS | {"office_b", "unit_b", "city_office"},
    "unit": {"unit", "dept"},  # itself and its competent department
    "unithead": {"unit", "dept"},
    "sibling": {"sibling_unit", "dept"},
    "other": {"other_unit"},
    "unit_b": {"unit_b"},
    "dept": {"dept", "unit", "sibling_unit"},
    # The directory of the district, for those who route matters to its bodies.
    "orgdept": A_ORGS,
    "finance": A_ORGS,
    "discipline": A_ORGS,
    "committee": A_ORGS,
    "committee2": A_ORGS,
    "gov": A_ORGS,
    "congress": A_ORGS,
    "sysadmin": A_ORGS,  # manages the accounts of the district's bodies
    "secadmin": set(),
    "logaudit": set(),
}


def rectify_fully(finding: Finding, unit_user: User, auditor: User) -> None:
    """Gives a finding a plan, a report with everything a report carries, a verification and a delay note."""
    rectification.submit_plan(
        unit_user,
        finding,
        measures="清理往来款项",
        responsible_person="李四",
        planned_completion=finding.deadline,  # by the deadline: no delay explanation asked with the plan
        milestones=[("完成清理", finding.deadline)],
    )
    report = rectification.submit_report(
        unit_user,
        finding,
        measures="清理往来款项",
        progress="已清理一半",
        amounts={"amount_to_treasury": "1000.00"},
        rules=[{"title": "往来款管理办法"}],
        accountability=[{"person_name": "王五", "outcome": "criticism"}],
        evidence=[upload()],
    )
    rectification.verify(auditor, report, verdict="partly_rectified", reasons="尚未清理完毕", verified_amount="1000")
    rectification.explain_delay(
        unit_user, finding, reason="涉及多年挂账，需逐笔核对", expected_completion=datetime.date(2099, 6, 30)
    )


@pytest.fixture
def scene(world) -> dict[str, Finding]:
    fiscal = world.fiscal_category
    found = {
        "draft": make_finding(world, state="draft", project=world.cadre_project, category=fiscal),
        "unit": make_finding(world, state="issued"),
        "sibling": make_finding(world, state="issued", unit=world.sibling_unit),
        "other_fiscal": make_finding(world, state="issued", unit=world.other_unit, category=fiscal),
        "cadre": make_finding(world, state="issued", project=world.cadre_project),
        "b_fiscal": make_finding(
            world, state="issued", actor=world["auditor_b"], project=world.project_b, unit=world.unit_b, category=fiscal
        ),
    }
    assert found["other_fiscal"].involves_fiscal_funds and not found["unit"].involves_fiscal_funds
    rectify_fully(found["unit"], world["unit"], world["auditor"])
    rectify_fully(found["other_fiscal"], world["other"], world["auditor2"])
    rectify_fully(found["cadre"], world["unithead"], world["auditlead"])
    rectify_fully(found["b_fiscal"], world["unit_b"], world["auditor_b"])
    return found


def rows_by_finding(model, path: str, scene: dict[str, Finding]) -> dict[int, str]:
    """Every active row of ``model``, as its pk and the scene's name of its finding."""
    names = {finding.pk: name for name, finding in scene.items()}
    return {pk: names[finding_pk] for pk, finding_pk in model.objects.values_list("pk", path)}


def test_every_model_hanging_off_a_finding_declares_its_path():
    for model, path in HANGING.items():
        if model is Finding:
            assert visibility.is_registered("findings.Finding")
        else:
            assert model.visibility_path == path, model.__name__


def test_every_restrictable_business_model_has_a_scope():
    """A model of a Rectify app that can be restricted is either declared or reference data (refused)."""
    from django.apps import apps

    from rectify.interviews.models import InterviewRules
    from rectify.reporting.models import Holiday, ReportingRules

    reference = {Category, DeadlineRule, Jurisdiction, Sector, ReportingRules, Holiday, InterviewRules}
    for model in apps.get_models():
        if not model.__module__.startswith("rectify.") or not hasattr(model._default_manager, "restrict"):
            continue
        if "historical" in model._meta.model_name:
            continue
        assert visibility.is_registered(model) or model in reference, model._meta.label


def test_the_table_names_every_account_of_the_world(world):
    for table in (SEES_FINDINGS, SEES_PROJECTS, SEES_ORGANIZATIONS):
        assert set(table) == set(world.users)


def test_every_object_type_hangs_off_several_findings(scene):
    for model, path in HANGING.items():
        names = set(rows_by_finding(model, path, scene).values())
        assert len(names) >= 4, (model.__name__, names)


@pytest.mark.parametrize("username", sorted(SEES_FINDINGS))
def test_who_sees_what(world, scene, username):
    user = world[username]
    sees = SEES_FINDINGS[username]
    for model, path in HANGING.items():
        rows = rows_by_finding(model, path, scene)
        expected = {pk for pk, name in rows.items() if name in sees}
        seen = set(model.objects.restrict(user).values_list("pk", flat=True))
        assert seen == expected, (model.__name__, sorted(rows[pk] for pk in seen), sorted(sees))

    projects = {name: getattr(world, name) for name in ("project", "cadre_project", "project_b")}
    seen_projects = set(AuditProject.objects.restrict(user).values_list("pk", flat=True))
    assert seen_projects == {projects[name].pk for name in SEES_PROJECTS[username]}

    organizations = {
        org.pk: name for name in A_ORGS | {"office_b", "unit_b", "city_office"} for org in [getattr(world, name)]
    }
    assert len(organizations) == Organization.objects.count()  # the scene knows every organization
    seen_organizations = {organizations[pk] for pk in Organization.objects.restrict(user).values_list("pk", flat=True)}
    assert seen_organizations == SEES_ORGANIZATIONS[username]


def test_roles_add_up(world, scene):
    # A unit contact who is also the unit's finance officer sees the union of both scopes.
    both = make_user("both", world.unit, RoleCode.UNIT_CONTACT, RoleCode.FINANCE_OFFICER)
    seen = set(Finding.objects.restrict(both).values_list("pk", flat=True))
    assert seen == {scene[name].pk for name in ("unit", "cadre", "other_fiscal")}


def test_anonymous_inactive_and_missing_users_see_nothing(world, scene):
    inactive = world["auditor"]
    inactive.is_active = False
    inactive.save()
    inactive = User.objects.get(pk=inactive.pk)
    assert Finding.objects.count() == len(scene)
    for user in (AnonymousUser(), inactive, None):
        for model in [*HANGING, AuditProject, Organization]:
            assert not model.objects.restrict(user).exists(), (model.__name__, user)


def test_a_user_without_an_organization_sees_nothing(world, scene):
    stray = make_user("stray", world.office_a, RoleCode.AUDITOR)
    stray.organization = None
    stray.save()
    stray = User.objects.get(pk=stray.pk)
    for model in [*HANGING, AuditProject, Organization]:
        assert not model.objects.restrict(stray).exists(), model.__name__


@pytest.mark.parametrize("model", [Category, DeadlineRule, Jurisdiction, Sector])
def test_a_model_without_a_rule_is_refused_not_let_through(world, model):
    with pytest.raises(LookupError):
        model.objects.restrict(world["auditor"])
    with pytest.raises(LookupError):
        visibility.restrict(model.objects.all(), world["sysadmin"])


# --- through HTTP ----------------------------------------------------------------------------------------


def login(client, user: User):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_another_units_finding_answers_404_not_403(client, world, scene):
    login(client, world["unit"])
    assert client.get(reverse("ledger:finding", args=[scene["unit"].pk])).status_code == 200
    for name in ("sibling", "other_fiscal", "b_fiscal", "draft"):
        response = client.get(reverse("ledger:finding", args=[scene[name].pk]))
        assert response.status_code == 404, name
    assert client.get(reverse("ledger:finding", args=[999999])).status_code == 404


@pytest.mark.parametrize("username", ["auditor", "auditor_b", "unit", "sibling", "dept", "orgdept", "finance", "gov"])
def test_the_finding_page_answers_as_the_table_says(client, world, scene, username):
    login(client, world[username])
    for name, finding in scene.items():
        status = client.get(reverse("ledger:finding", args=[finding.pk])).status_code
        assert status == (200 if name in SEES_FINDINGS[username] else 404), name


@pytest.mark.parametrize("username", ["auditor", "city_auditor", "unit", "sibling", "dept", "finance", "secadmin"])
def test_the_ledger_lists_only_visible_findings(client, world, scene, username):
    html = login(client, world[username]).get("/ledger/").content.decode()
    for name, finding in scene.items():
        assert (finding.ledger_number in html) is (name in SEES_FINDINGS[username]), name


def test_anonymous_is_sent_to_the_login_page(client, world, scene):
    for path in ("/ledger/", reverse("ledger:finding", args=[scene["unit"].pk])):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_a_higher_office_sees_but_does_not_work_a_districts_findings(world):
    from rectify.core.exceptions import ActionRefused
    from rectify.findings import services
    from rectify.findings.models import Finding
    from rectify.testing import finding_data, make_finding

    draft = make_finding(world, state="draft")
    city = world["city_auditor"]
    assert Finding.objects.restrict(city).filter(pk=draft.pk).exists()
    with pytest.raises(ActionRefused):
        services.issue_finding(city, draft)
    with pytest.raises(ActionRefused):
        services.create_finding(city, allow_past_deadline=True, **finding_data(world))
    draft.refresh_from_db()
    assert draft.state == "draft"
