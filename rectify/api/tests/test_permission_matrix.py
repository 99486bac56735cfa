"""The permission matrix: every role × every object type × every action, through the API and the web.

One table (``TARGETS`` for what each role sees, ``ACTIONS`` for what each role may do) declares the
expected outcome; the tests walk it:

- list: each named object is listed for exactly the roles that see it;
- retrieve (API) and the object's page (web): 200 for those roles, 404 for every other one;
- an action: for an allowed role 2xx (the web: a redirect) and the change happened; for any other role
  404 when the object is outside the role's scope, 403 when the role sees it but may not do this, and
  nothing changed (the object's row and the row counts of every business table compared before and
  after). Anonymous callers get 401 (API) or the login page (web), and nothing changed.
- a create on the web (``WEB_CREATES``: the "new" forms, and the report form that uploads evidence): for
  an allowed role (the same ``allowed`` as the API's create) a redirect and exactly one new row of the
  created model; for every other business role the status written out in the entry's ``refused`` table:
  403 when the view refuses the role before the form, 404 when the object the form is on is outside the
  role's scope, or, where the role may open the form but names what the form does not offer it (an
  object outside its scope, a kind of report it may not draft) or what its service refuses it, the form
  shown again (200) with the error on the field named there (``__all__``: above the form); in each
  refused case nothing changed. The three administrators get 404, anonymous callers the login page.

The expectations are those of DESIGN.md section 4 and the scopes and services that implement it; they
are written out by hand, never computed from the scopes under test. The three administrators see no
business data at all.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from rest_framework.test import APIClient

from rectify.accounts.choices import RoleCode
from rectify.testing import PDF_BYTES, api_token, make_finding, make_user, upload

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 9, 25)  # the API tests' day (rectify/api/tests/conftest.py)
NOW = datetime.datetime(2025, 9, 25, 10, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")

# One account per role (the world's, and two added below), and the anonymous caller.
ROLE_USERS = {
    RoleCode.AUDITOR: "auditor",
    RoleCode.AUDIT_LEADER: "auditlead",
    RoleCode.UNIT_CONTACT: "unit",
    RoleCode.UNIT_HEAD: "unithead",
    RoleCode.DEPT_SUPERVISOR: "dept",
    RoleCode.ORG_OFFICER: "orgdept",
    RoleCode.DISCIPLINE_OFFICER: "discipline",
    RoleCode.COMMITTEE_OFFICER: "committee",
    RoleCode.GOVERNMENT_OFFICER: "gov",
    RoleCode.FINANCE_OFFICER: "finance",
    RoleCode.CONGRESS_OFFICER: "congress",
    RoleCode.SUPERVISOR_OFFICER: "inspector",
    RoleCode.INTERNAL_AUDITOR: "internal",
    RoleCode.SYSTEM_ADMIN: "sysadmin",
    RoleCode.SECURITY_ADMIN: "secadmin",
    RoleCode.LOG_AUDITOR: "logaudit",
    "anonymous": None,
}
ROLES = list(ROLE_USERS)
ADMINS = {RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.LOG_AUDITOR}

# --- who sees what (DESIGN.md section 4) ----------------------------------------------------------------

R = RoleCode
AUD = frozenset({R.AUDITOR, R.AUDIT_LEADER})
UNIT = frozenset({R.UNIT_CONTACT, R.UNIT_HEAD})
# A published finding of the world's unit: its audit office, the unit, its competent department, and the
# supervising body whose approved subscription covers the unit.
UNITS_FINDING = AUD | UNIT | {R.DEPT_SUPERVISOR, R.SUPERVISOR_OFFICER}
# Everybody of the world's unit (any business role of it), for what is addressed to the organization.
UNIT_PEOPLE = UNIT | {R.INTERNAL_AUDITOR}


@dataclasses.dataclass(frozen=True)
class Target:
    """A named object of the matrix world: its API collection, its web page, and who sees it."""

    model: str
    api: str
    view: frozenset[str]
    web: str | None = None  # the page's address, ``{pk}`` for the id


TARGETS: dict[str, Target] = {
    # findings, in each state and each corner of the scopes
    "f_draft": Target("findings.Finding", "/api/findings/", AUD, "/findings/{pk}/"),
    "f_issued": Target("findings.Finding", "/api/findings/", UNITS_FINDING, "/findings/{pk}/"),
    "f_rect": Target("findings.Finding", "/api/findings/", UNITS_FINDING, "/findings/{pk}/"),
    "f_sub": Target("findings.Finding", "/api/findings/", UNITS_FINDING, "/findings/{pk}/"),
    "f_long": Target("findings.Finding", "/api/findings/", UNITS_FINDING, "/findings/{pk}/"),
    "f_closed": Target("findings.Finding", "/api/findings/", UNITS_FINDING, "/findings/{pk}/"),
    "f_sibling": Target("findings.Finding", "/api/findings/", AUD | {R.DEPT_SUPERVISOR}, "/findings/{pk}/"),
    "f_cadre": Target("findings.Finding", "/api/findings/", UNITS_FINDING | {R.ORG_OFFICER}, "/findings/{pk}/"),
    "f_fiscal": Target("findings.Finding", "/api/findings/", AUD | {R.FINANCE_OFFICER}, "/findings/{pk}/"),
    "f_referred": Target(
        "findings.Finding", "/api/findings/", UNITS_FINDING | {R.DISCIPLINE_OFFICER}, "/findings/{pk}/"
    ),
    "f_internal": Target("findings.Finding", "/api/findings/", UNITS_FINDING | {R.INTERNAL_AUDITOR}, "/findings/{pk}/"),
    "f_other_district": Target("findings.Finding", "/api/findings/", frozenset(), "/findings/{pk}/"),
    # what hangs off a finding follows it
    "requirement": Target("findings.Requirement", "/api/requirements/", UNITS_FINDING),
    "draft_requirement": Target("findings.Requirement", "/api/requirements/", AUD),
    "event": Target("findings.FindingEvent", "/api/finding-events/", UNITS_FINDING),
    "plan": Target("rectification.Plan", "/api/plans/", UNITS_FINDING),
    "report": Target("rectification.ProgressReport", "/api/progress-reports/", UNITS_FINDING),
    "evidence": Target("rectification.Evidence", "/api/evidence/", UNITS_FINDING, "/evidence/{pk}/download/"),
    "verification": Target("rectification.Verification", "/api/verifications/", UNITS_FINDING),
    "delay": Target("rectification.DelayExplanation", "/api/delay-explanations/", UNITS_FINDING),
    "obligation": Target("reporting.Obligation", "/api/reporting-obligations/", UNITS_FINDING),
    "escalation": Target("reporting.EscalationProposal", "/api/escalation-proposals/", AUD),
    # audit projects and the organization directory
    # A project is seen by whoever's own role reaches one of its findings: not through a referral (the
    # discipline commission) or a subscription (a supervising body), which open the findings alone.
    "project": Target(
        "audits.AuditProject",
        "/api/audit-projects/",
        AUD | UNIT | {R.DEPT_SUPERVISOR, R.FINANCE_OFFICER},
        "/projects/{pk}/",
    ),
    "cadre_project": Target(
        "audits.AuditProject",
        "/api/audit-projects/",
        AUD | UNIT | {R.DEPT_SUPERVISOR, R.ORG_OFFICER},
        "/projects/{pk}/",
    ),
    "project_other_district": Target("audits.AuditProject", "/api/audit-projects/", frozenset(), "/projects/{pk}/"),
    "unit_org": Target(
        "organizations.Organization",
        "/api/organizations/",
        AUD
        | UNIT_PEOPLE
        | {
            R.DEPT_SUPERVISOR,
            R.ORG_OFFICER,
            R.DISCIPLINE_OFFICER,
            R.FINANCE_OFFICER,
            R.COMMITTEE_OFFICER,
            R.GOVERNMENT_OFFICER,
            R.CONGRESS_OFFICER,
            R.SUPERVISOR_OFFICER,
            R.SYSTEM_ADMIN,  # keeps the organization directory (reference data, not business data)
        },
        "/organizations/{pk}/",
    ),
    "sibling_org": Target(
        "organizations.Organization",
        "/api/organizations/",
        AUD
        | {
            R.DEPT_SUPERVISOR,
            R.ORG_OFFICER,
            R.DISCIPLINE_OFFICER,
            R.FINANCE_OFFICER,
            R.COMMITTEE_OFFICER,
            R.GOVERNMENT_OFFICER,
            R.CONGRESS_OFFICER,
            R.SUPERVISOR_OFFICER,
            R.SYSTEM_ADMIN,  # keeps the organization directory (reference data, not business data)
        },
        "/organizations/{pk}/",
    ),
    "discipline_org": Target(
        "organizations.Organization",
        "/api/organizations/",
        AUD
        | {
            R.ORG_OFFICER,
            R.DISCIPLINE_OFFICER,
            R.FINANCE_OFFICER,
            R.COMMITTEE_OFFICER,
            R.GOVERNMENT_OFFICER,
            R.CONGRESS_OFFICER,
            R.SUPERVISOR_OFFICER,
            R.SYSTEM_ADMIN,  # keeps the organization directory (reference data, not business data)
        },
        "/organizations/{pk}/",
    ),
    "org_other_district": Target(
        "organizations.Organization", "/api/organizations/", frozenset(), "/organizations/{pk}/"
    ),
    # mechanisms
    "notification": Target("notifications.Notification", "/api/notifications/", frozenset({R.AUDITOR})),
    "interview_proposed": Target("interviews.Interview", "/api/interviews/", AUD, "/interviews/{pk}/"),
    "interview_held": Target("interviews.Interview", "/api/interviews/", UNITS_FINDING, "/interviews/{pk}/"),
    "interview_item": Target("interviews.FollowUpItem", "/api/interview-items/", UNITS_FINDING),
    "referral_draft": Target("referrals.Referral", "/api/referrals/", AUD, "/referrals/{pk}/"),
    "referral_sent": Target(
        "referrals.Referral", "/api/referrals/", AUD | {R.DISCIPLINE_OFFICER, R.SUPERVISOR_OFFICER}, "/referrals/{pk}/"
    ),
    "subscription": Target(
        "sharing.Subscription", "/api/subscriptions/", AUD | {R.SUPERVISOR_OFFICER}, "/sharing/{pk}/"
    ),
    "subscription_pending": Target(
        "sharing.Subscription", "/api/subscriptions/", AUD | {R.SUPERVISOR_OFFICER}, "/sharing/{pk}/"
    ),
    "delivery_cadre": Target(
        "references.ReferenceDelivery",
        "/api/reference-deliveries/",
        AUD | {R.ORG_OFFICER},
        "/references/deliveries/{pk}/",
    ),
    "delivery_budget": Target(
        "references.ReferenceDelivery",
        "/api/reference-deliveries/",
        AUD | {R.FINANCE_OFFICER},
        "/references/deliveries/{pk}/",
    ),
    "summary_draft": Target("summaries.SummaryReport", "/api/summary-reports/", AUD, "/summaries/{pk}/"),
    "matter": Target(
        "supervision.SupervisedMatter",
        "/api/supervised-matters/",
        AUD | UNIT_PEOPLE | {R.COMMITTEE_OFFICER, R.GOVERNMENT_OFFICER},
        "/supervision/{pk}/",
    ),
    "assignment": Target(
        "supervision.Assignment",
        "/api/supervision-assignments/",
        AUD | UNIT_PEOPLE | {R.COMMITTEE_OFFICER, R.GOVERNMENT_OFFICER},
    ),
    "circular_draft": Target(
        "supervision.Circular", "/api/circulars/", frozenset({R.COMMITTEE_OFFICER}), "/circulars/{pk}/"
    ),
    "circular_issued": Target(
        "supervision.Circular", "/api/circulars/", UNIT_PEOPLE | {R.COMMITTEE_OFFICER}, "/circulars/{pk}/"
    ),
    "congress_matter": Target(
        "congress.CongressMatter",
        "/api/congress-matters/",
        AUD | UNIT_PEOPLE | {R.CONGRESS_OFFICER, R.GOVERNMENT_OFFICER},
        "/congress/{pk}/",
    ),
    "question": Target(
        "congress.Question", "/api/congress-questions/", AUD | UNIT_PEOPLE | {R.CONGRESS_OFFICER, R.GOVERNMENT_OFFICER}
    ),
    # announcements: the audit office's on their way (its own people), published (every business role: it is
    # public), and a limited circulation (the office, and the competent department it was sent to)
    "announcement_draft": Target("portal.Announcement", "/api/announcements/", AUD, "/announcements/{pk}/"),
    "announcement_submitted": Target("portal.Announcement", "/api/announcements/", AUD, "/announcements/{pk}/"),
    "announcement_approved": Target("portal.Announcement", "/api/announcements/", AUD, "/announcements/{pk}/"),
    "announcement_published": Target(
        "portal.Announcement",
        "/api/announcements/",
        frozenset(ROLES) - ADMINS - {"anonymous"},
        "/announcements/{pk}/",
    ),
    "circulation": Target(
        "portal.Announcement", "/api/announcements/", AUD | {R.DEPT_SUPERVISOR}, "/announcements/{pk}/"
    ),
    # the performance assessment: computed (the audit office's working paper), reviewed (the unit and its
    # department), confirmed (also the committee office and the government)
    "assessment_computed": Target("assessment.Assessment", "/api/assessments/", AUD, "/assessment/units/{pk}/"),
    "assessment_reviewed": Target(
        "assessment.Assessment", "/api/assessments/", AUD | {R.DEPT_SUPERVISOR}, "/assessment/units/{pk}/"
    ),
    "assessment_confirmed": Target(
        "assessment.Assessment",
        "/api/assessments/",
        AUD | UNIT | {R.DEPT_SUPERVISOR, R.COMMITTEE_OFFICER, R.GOVERNMENT_OFFICER},
        "/assessment/units/{pk}/",
    ),
}

# --- what each role may do ---------------------------------------------------------------------------------

Payload = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Action:
    """``POST {target's collection}{pk}/{path}`` (or to the collection itself when ``target`` names none)."""

    target: str | None
    path: str
    data: Payload
    allowed: frozenset[str]
    collection: str = ""  # for a create: the collection posted to
    changes: str = ""  # for a create: the model whose row count grows
    method: str = "post"
    multipart: bool = False
    # The objects a create names that the view looks up in the caller's scope: a caller who does not see
    # one is answered as if it did not exist (``hidden`` status: 400 keyed by the field, or 404).
    refs: tuple[str, ...] = ()
    hidden: int = 400
    # The state forbids it even to the allowed roles (an open item, nothing asked yet): 409, no change.
    conflict: bool = False


def _d(days: int) -> str:
    return (TODAY + days * DAY).isoformat()


def _finding_create(ids):
    return {
        "project": ids["project"], "unit": ids["unit_org"], "title": "新登记的问题", "description": "说明",
        "category": ids["category"], "requirements": ["整改"], "amount_involved": "100.00", "deadline": _d(60),
    }  # fmt: skip


def _evidence(ids):
    return {"report": ids["report"], "file": upload("补充.pdf", PDF_BYTES)}


ACTIONS: dict[str, Action] = {
    # findings: record, correct, the transitions and the rectification steps
    "finding.create": Action(
        None, "", _finding_create, AUD, "/api/findings/", "findings.Finding", refs=("project", "unit_org")
    ),
    "finding.update": Action("f_draft", "", {"title": "改正后的标题"}, AUD, method="patch"),
    "finding.issue": Action("f_draft", "issue/", {}, AUD),
    "finding.start": Action("f_issued", "start/", {}, UNIT),
    "finding.plan": Action(
        "f_issued",
        "plan/",
        {"measures": "逐项整改", "responsible_person": "李四", "planned_completion": _d(30)},
        UNIT,
    ),
    "finding.delay": Action("f_rect", "delay/", {"reason": "资金未到位", "expected_completion": _d(40)}, UNIT),
    "finding.decide_delay": Action("f_issued", "decide-delay/", {"accept": True, "note": "同意"}, AUD),
    "finding.reports": Action(
        "f_rect",
        "reports/",
        {"measures": "已清理", "progress": "完成", "amount_adjusted_in_accounts": "100.00"},
        UNIT,
    ),
    "finding.verify": Action("f_sub", "verify/", {"verdict": "partly_rectified", "reasons": "尚未完成"}, AUD),
    "finding.return": Action("f_sub", "return/", {"comment": "佐证不足"}, AUD),
    "finding.to_long_term": Action("f_rect", "to_long_term/", {"comment": "需分年度推进"}, AUD),
    "finding.resume": Action("f_long", "resume/", {"comment": "恢复整改"}, AUD | UNIT),
    "evidence.create": Action(
        None, "", _evidence, UNIT, "/api/evidence/", "rectification.Evidence", multipart=True, refs=("report",)
    ),
    # audit projects
    "project.create": Action(
        None,
        "",
        lambda ids: {"name": "新项目", "year": 2025, "type": "budget_execution", "units": [ids["unit_org"]]},
        AUD,
        "/api/audit-projects/",
        "audits.AuditProject",
        refs=("unit_org",),
    ),
    "project.issue": Action("project", "issue/", {"report_number": "甲审报〔2025〕9号", "report_date": _d(0)}, AUD),
    # the inbox
    "notification.read": Action("notification", "read/", {}, frozenset({R.AUDITOR})),
    # reporting
    "escalation.decide": Action("escalation", "decide/", {"take_up": False, "reason": "已说明原因"}, AUD),
    # interviews
    "interview.decide": Action(
        "interview_proposed", "decide/", {"approve": True, "reason": "屡审屡犯"}, {R.AUDIT_LEADER}
    ),
    "interview.items": Action(
        "interview_held", "items/", {"title": "建立制度", "due_date": _d(20), "responsible": "张三"}, AUD
    ),
    "interview.close": Action("interview_held", "close/", {}, AUD, conflict=True),  # an item is still open
    "interview_item.report": Action("interview_item", "report/", {"text": "已完成"}, UNIT),
    # the performance assessment
    "assessment.review": Action("assessment_computed", "review/", {"comment": "核对无误"}, {R.AUDIT_LEADER}),
    "assessment.adjust": Action(
        "assessment_computed",
        "adjust/",
        lambda ids: {"line": ids["assessment_line"], "points": "-1.00", "reason": "酌情扣分"},
        {R.AUDIT_LEADER},
    ),
    "assessment.confirm": Action("assessment_reviewed", "confirm/", {}, {R.AUDIT_LEADER}),
    "assessment.recompute": Action("assessment_confirmed", "recompute/", {}, AUD, conflict=True),  # frozen
    # referrals
    "referral.create": Action(
        None,
        "",
        lambda ids: {
            "recipient": ids["discipline_org"],
            "ground": "refusal",
            "findings": [ids["f_rect"]],
            "facts": "拒不整改",
        },
        AUD,
        "/api/referrals/",
        "referrals.Referral",
        refs=("discipline_org",),
        hidden=404,
    ),
    "referral.edit": Action("referral_draft", "edit/", {"facts": "补充事实"}, AUD),
    "referral.approve": Action("referral_draft", "approve/", {}, {R.AUDIT_LEADER}),
    "referral.acknowledge": Action("referral_sent", "acknowledge/", {}, {R.DISCIPLINE_OFFICER}),
    "referral.conclude": Action(
        "referral_sent",
        "conclude/",
        {"outcome_date": _d(0), "text": "已诫勉谈话", "persons": []},
        {R.DISCIPLINE_OFFICER},
    ),
    # subscriptions
    "subscription.create": Action(
        None,
        "",
        lambda ids: {"target": "unit", "unit": ids["sibling_org"], "purpose": "巡察"},
        {R.SUPERVISOR_OFFICER},
        "/api/subscriptions/",
        "sharing.Subscription",
        refs=("sibling_org",),
        hidden=404,
    ),
    "subscription.approve": Action("subscription_pending", "approve/", {}, AUD),
    "subscription.reject": Action("subscription_pending", "reject/", {"comment": "范围过宽"}, AUD),
    "subscription.revoke": Action("subscription", "revoke/", {}, AUD | {R.SUPERVISOR_OFFICER}),
    # references (结果运用)
    "delivery.acknowledge": Action("delivery_cadre", "acknowledge/", {"comment": ""}, {R.ORG_OFFICER}),
    # summary reports
    "summary.create": Action(None, "", {"kind": "committee"}, AUD, "/api/summary-reports/", "summaries.SummaryReport"),
    "summary.narrative": Action("summary_draft", "narrative/", {"sections": {"work": "工作情况"}}, AUD),
    "summary.refresh": Action("summary_draft", "refresh/", {}, AUD),
    "summary.submit": Action("summary_draft", "submit/", {}, AUD),
    # supervision
    "matter.create": Action(
        None,
        "",
        lambda ids: {
            "kind": "decision",
            "title": "督办",
            "content": "限期整改",
            "meeting": "审计委员会会议",
            "meeting_date": _d(-1),
            "assignees": [{"organization": ids["sibling_org"], "due_date": _d(30)}],
        },
        {R.COMMITTEE_OFFICER},
        "/api/supervised-matters/",
        "supervision.SupervisedMatter",
    ),
    "matter.assign": Action(
        "matter", "assign/", lambda ids: {"organization": ids["sibling_org"], "due_date": _d(30)}, {R.COMMITTEE_OFFICER}
    ),
    "assignment.progress": Action("assignment", "progress/", {"text": "已完成一半"}, UNIT_PEOPLE),
    "assignment.return": Action(
        "assignment", "return/", {"reason": "未办结"}, {R.COMMITTEE_OFFICER}, conflict=True
    ),  # nothing asked yet
    "circular.create": Action(
        None,
        "",
        lambda ids: {"kind": "criticism", "title": "通报", "body": "正文", "recipients": [ids["unit_org"]]},
        {R.COMMITTEE_OFFICER},
        "/api/circulars/",
        "supervision.Circular",
    ),
    "circular.approve": Action("circular_draft", "approve/", {}, {R.COMMITTEE_OFFICER}),
    # the People's Congress
    "congress.create": Action(
        None,
        "",
        lambda ids: {
            "kind": "special_inquiry",
            "title": "询问",
            "session": "常委会",
            "held_on": _d(-1),
            "content": "询问",
            "questions": [{"organization": ids["unit_org"], "text": "请说明", "due_date": _d(30)}],
        },
        {R.CONGRESS_OFFICER},
        "/api/congress-matters/",
        "congress.CongressMatter",
    ),
    "congress.questions": Action(
        "congress_matter",
        "questions/",
        lambda ids: {"organization": ids["sibling_org"], "text": "请说明", "due_date": _d(30)},
        {R.CONGRESS_OFFICER},
    ),
    "question.answer": Action("question", "answer/", {"text": "已整改"}, UNIT_PEOPLE),
    # announcements: the office's and the unit's own are drafted by their people; the audit leader approves
    # and withdraws the office's
    "announcement.create": Action(
        None, "", {"title": "整改情况公告"}, AUD | UNIT, "/api/announcements/", "portal.Announcement"
    ),
    "announcement.submit": Action("announcement_draft", "submit/", {}, AUD),
    "announcement.approve": Action("announcement_submitted", "approve/", {}, {R.AUDIT_LEADER}),
    "announcement.publish": Action("announcement_approved", "publish/", {}, AUD),
    "announcement.withdraw": Action("announcement_published", "withdraw/", {"reason": "撤回"}, {R.AUDIT_LEADER}),
    "announcement.correct": Action("announcement_published", "correct/", {"note": "更正"}, AUD),
}

# Every business table: a refused request must leave each row count as it was.
BUSINESS_MODELS = sorted(
    {t.model for t in TARGETS.values()}
    | {a.changes for a in ACTIONS.values() if a.changes}
    | {
        "findings.FindingEvent", "interviews.FollowUpReport", "supervision.Progress", "congress.Response",
        "referrals.HandledPerson", "summaries.SummaryStep", "supervision.Step", "portal.AnnouncementItem",
        "portal.Step",
    }
)  # fmt: skip


# --- the world ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(scope="module")
def matrix(_module_world, django_db_blocker, matrix_media):
    """The module's world with one object of every kind in every corner of the scopes; ids by name."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        override_settings(MEDIA_ROOT=matrix_media),
    ):
        return _build(_module_world.fresh())


@pytest.fixture(autouse=True)
def _evidence_files_of_the_matrix(_media_root, settings, matrix_media):
    """The evidence written while the world was built stays where its files are (after conftest's own)."""
    settings.MEDIA_ROOT = matrix_media


def _build(world) -> dict[str, int]:
    from rectify.audits.choices import AuditType
    from rectify.congress import services as congress
    from rectify.interviews import services as interviews
    from rectify.interviews.choices import Ground
    from rectify.notifications.models import Notification
    from rectify.organizations.choices import OrganizationKind
    from rectify.references import services as references
    from rectify.referrals import services as referrals
    from rectify.reporting.models import EscalationProposal
    from rectify.reporting.services import sync_obligations
    from rectify.sharing import services as sharing
    from rectify.summaries import services as summaries
    from rectify.supervision import services as supervision
    from rectify.testing import OrganizationFactory, make_project

    inspection = OrganizationFactory(
        name="甲区委巡察办", kind=OrganizationKind.OTHER_SUPERVISOR, jurisdiction=world.district_a
    )
    inspector = make_user("inspector", inspection, R.SUPERVISOR_OFFICER)
    internal = make_user("internal", world.unit, R.INTERNAL_AUDITOR)
    world.users.update(inspector=inspector, internal=internal)
    auditor, lead = world["auditor"], world["auditlead"]

    f = {
        "f_draft": make_finding(world, "draft", deadline=TODAY + 60 * DAY),
        "f_issued": make_finding(world, "issued", deadline=TODAY + 60 * DAY),
        "f_rect": make_finding(world, "rectifying", deadline=TODAY - 40 * DAY),
        "f_sub": make_finding(world, "submitted", deadline=TODAY + 30 * DAY),
        "f_long": make_finding(world, "long_term", deadline=TODAY + 200 * DAY, kind="long_term"),
        "f_closed": make_finding(world, "closed"),
        "f_sibling": make_finding(world, "issued", unit=world.sibling_unit, deadline=TODAY + 5 * DAY),
        "f_cadre": make_finding(world, "issued", project=world.cadre_project, deadline=TODAY + 50 * DAY),
        "f_fiscal": make_finding(
            world, "issued", unit=world.other_unit, category=world.fiscal_category, deadline=TODAY + 40 * DAY
        ),
        "f_other_district": make_finding(
            world,
            "issued",
            actor=world["auditor_b"],
            project=world.project_b,
            unit=world.unit_b,
            deadline=TODAY + 20 * DAY,
        ),
    }
    from rectify.findings import services as findings
    from rectify.rectification import services as rectification

    # falsely rectified, then referred to the discipline commission
    referred = make_finding(world, "submitted", deadline=TODAY + 30 * DAY)
    rectification.verify(auditor, referred.reports.get(), verdict="false_rectification", reasons="事后补制")
    f["f_referred"] = referred
    referral_sent = referrals.create_referral(
        auditor, recipient=world.discipline, ground="false_rectification", findings=[referred], facts="不实",
    )  # fmt: skip
    referrals.approve_referral(lead, referral_sent)
    referrals.send_referral(lead, referral_sent)
    referral_draft = referrals.create_referral(
        auditor, recipient=world.discipline, ground="refusal", findings=[f["f_rect"]], facts="拒不整改"
    )
    # a unit's own internal audit, issued by its internal auditor
    internal_project = make_project(world, world.unit, [world.unit], AuditType.INTERNAL_AUDIT)
    internal_finding = findings.create_finding(
        internal, project=internal_project, unit=world.unit, title="内部审计问题", description="内审发现",
        category=world.category, requirements=["整改"], deadline=TODAY + 30 * DAY, allow_past_deadline=True,
    )  # fmt: skip
    findings.issue_finding(internal, internal_finding)
    f["f_internal"] = internal_finding

    rectification.submit_plan(
        world["unit"], f["f_rect"], measures="逐笔清理", responsible_person="李四", planned_completion=TODAY + 30 * DAY,
        delay_reason="债务人已撤销",
    )  # fmt: skip
    delay = rectification.explain_delay(
        world["unit"], f["f_issued"], reason="资金未到位", expected_completion=TODAY + 90 * DAY
    )
    obligation = sync_obligations(f["f_rect"].pk)[0]
    escalation = EscalationProposal.objects.create(
        obligation=obligation, finding=f["f_rect"], proposed_on=TODAY, days_overdue=40
    )
    notification = Notification.objects.create(
        recipient=auditor, event_key="matrix", event_name="finding.submitted", title="问题待核实",
        url=f["f_sub"].get_absolute_url(), object_label="findings.Finding", object_id=f["f_sub"].pk,
    )  # fmt: skip
    interview_proposed = interviews.propose(f["f_rect"], Ground.REPEAT, basis="屡审屡犯")
    interview_held = interviews.propose(f["f_issued"], Ground.REPEAT, basis="屡审屡犯")
    interviews.decide(lead, interview_held.pk, approve=True, reason="约谈")
    interviews.schedule(
        auditor, interview_held.pk, scheduled_at=NOW - DAY, place="会议室", attendees="王五", now=NOW - 2 * DAY
    )
    interviews.hold(
        auditor,
        interview_held.pk,
        record="记录",
        commitments="限期",
        items=[("清理往来款", TODAY + 30 * DAY, "李会计")],
        now=NOW,
    )
    item = interview_held.items.get()

    subscription = sharing.request_subscription(inspector, target="unit", unit=world.unit, purpose="巡察")
    sharing.approve_subscription(auditor, subscription)
    pending = sharing.request_subscription(inspector, target="category", category=world.fiscal_category, purpose="巡察")
    summary = summaries.create_report(auditor, kind="committee")
    delivery_cadre = references.send_reference(auditor, kind="cadre", year=2025, recipient=world.orgdept)
    delivery_budget = references.send_reference(auditor, kind="budget", year=2025, recipient=world.finance)
    matter = supervision.record_matter(
        world["committee"], kind="decision", title="督办事项", content="限期整改", meeting="审计委员会会议",
        meeting_date=TODAY - DAY, assignees=[supervision.AssigneeSpec(world.unit, TODAY + 60 * DAY)],
    )  # fmt: skip
    # Drafted by a second officer of the office, so that the matrix's committee officer may approve (four eyes).
    drafter = world["committee2"]
    circular_draft = supervision.draft_circular(
        drafter, kind="criticism", title="通报", body="正文", recipients=[world.unit]
    )
    circular_issued = supervision.draft_circular(
        drafter, kind="commendation", title="表扬", body="正文", recipients=[world.unit]
    )
    supervision.approve_circular(world["committee"], circular_issued)
    supervision.issue_circular(world["committee"], circular_issued)
    congress_matter = congress.record_matter(
        world["congress"], kind="special_inquiry", title="专题询问", session="常委会会议", held_on=TODAY - DAY,
        content="询问", questions=[congress.QuestionSpec(world.unit, "请说明", TODAY + 60 * DAY)],
    )  # fmt: skip

    from rectify.portal import services as portal

    make_finding(world, "closed", disclosure="limited")  # what a limited circulation takes
    announcements = {}
    for name in ("announcement_draft", "announcement_submitted", "announcement_approved", "announcement_published"):
        announcement = portal.draft_announcement(auditor, title=name)
        if name != "announcement_draft":
            portal.submit_announcement(auditor, announcement)
        if name in ("announcement_approved", "announcement_published"):
            portal.approve_announcement(lead, announcement)
        if name == "announcement_published":
            portal.publish_announcement(auditor, announcement)
        announcements[name] = announcement.pk
    circulation = portal.draft_announcement(auditor, title="通报", audience="limited", recipients=[world.dept])
    portal.submit_announcement(auditor, circulation)
    portal.approve_announcement(lead, circulation)
    portal.publish_announcement(auditor, circulation)
    announcements["circulation"] = circulation.pk

    from rectify.assessment import services as assessment

    scheme = assessment.create_scheme(auditor, world.project.year)
    assessment.compute_scheme(scheme.pk, auditor.pk)
    results = {result.unit_id: result for result in scheme.assessments.all()}
    assessment.review(lead, results[world.unit.pk].pk)
    assessment.confirm(lead, results[world.unit.pk].pk)
    assessment.review(lead, results[world.sibling_unit.pk].pk)
    computed_result = results[world.other_unit.pk]

    ids = {name: finding.pk for name, finding in f.items()}
    ids.update(
        requirement=f["f_issued"].requirements.first().pk,
        draft_requirement=f["f_draft"].requirements.first().pk,
        event=f["f_rect"].events.first().pk,
        plan=f["f_rect"].plan.pk,
        report=f["f_sub"].reports.get().pk,
        evidence=f["f_sub"].reports.get().evidence.first().pk,
        verification=f["f_closed"].verifications.get().pk,
        delay=delay.pk,
        obligation=obligation.pk,
        escalation=escalation.pk,
        project=world.project.pk,
        cadre_project=world.cadre_project.pk,
        project_other_district=world.project_b.pk,
        unit_org=world.unit.pk,
        sibling_org=world.sibling_unit.pk,
        org_other_district=world.unit_b.pk,
        discipline_org=world.discipline.pk,
        category=world.category.pk,
        notification=notification.pk,
        interview_proposed=interview_proposed.pk,
        interview_held=interview_held.pk,
        interview_item=item.pk,
        referral_draft=referral_draft.pk,
        referral_sent=referral_sent.pk,
        subscription=subscription.pk,
        subscription_pending=pending.pk,
        summary_draft=summary.pk,
        delivery_cadre=delivery_cadre.pk,
        delivery_budget=delivery_budget.pk,
        matter=matter.pk,
        assignment=matter.assignments.get().pk,
        circular_draft=circular_draft.pk,
        circular_issued=circular_issued.pk,
        congress_matter=congress_matter.pk,
        question=congress_matter.questions.get().pk,
        **announcements,
        assessment_computed=computed_result.pk,
        assessment_reviewed=results[world.sibling_unit.pk].pk,
        assessment_confirmed=results[world.unit.pk].pk,
        assessment_line=computed_result.lines.get(code="referrals").pk,
    )
    ids["ledger_numbers"] = {name: finding.ledger_number for name, finding in f.items()}
    ids["tokens"] = {username: api_token(world.users[username]) for username in filter(None, ROLE_USERS.values())}
    ids["users"] = {username: world.users[username].pk for username in filter(None, ROLE_USERS.values())}
    return ids


# --- helpers -------------------------------------------------------------------------------------------------


def api_client(matrix, role: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    username = ROLE_USERS[role]
    if username is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {matrix['tokens'][username]}")
    return client


def web_client(matrix, role: str) -> Client:
    from rectify.accounts.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    username = ROLE_USERS[role]
    if username is not None:
        client.force_login(User.objects.get(pk=matrix["users"][username]))
    return client


def snapshot(matrix, target: str | None) -> tuple:
    """The target's row as stored, and the row count of every business table (in one query)."""
    row = None
    if target is not None:
        model = apps.get_model(TARGETS[target].model)
        row = model_to_dict(model._base_manager.get(pk=matrix[target]))
    tables = [apps.get_model(label)._meta.db_table for label in BUSINESS_MODELS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{table}")' for table in tables))
        counts = dict(zip(BUSINESS_MODELS, cursor.fetchone(), strict=True))
    return row, counts


def expected_denial(role: str, action: Action) -> int:
    if role in ADMINS:
        return 404  # the three administrators reach no business endpoint (rectify.accounts.middleware)
    if action.target is None:
        return 403 if all(role in TARGETS[ref].view for ref in action.refs) else action.hidden
    return 403 if role in TARGETS[action.target].view else 404


# --- the API -------------------------------------------------------------------------------------------------

COLLECTIONS = sorted({t.api for t in TARGETS.values()})


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_show_each_object_to_exactly_the_roles_that_see_it(matrix, role):
    client = api_client(matrix, role)
    wrong = {}
    for collection in COLLECTIONS:
        response = client.get(collection, {"page_size": 500})
        if role == "anonymous":
            assert response.status_code == 401, collection
            continue
        if role in ADMINS and not collection.startswith(tuple(django_settings.RECTIFY_ADMINISTRATOR_PATHS)):
            assert response.status_code in (403, 404), collection  # no business endpoint at all
            continue
        assert response.status_code == 200, (collection, response.content)
        listed = {row["id"] for row in response.json()["results"]}
        wrong.update(
            {
                name: matrix[name] in listed
                for name, target in TARGETS.items()
                if target.api == collection and (matrix[name] in listed) != (role in target.view)
            }
        )
    assert not wrong, f"{role} lists (True) / misses (False): {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_api_retrieve_answers_200_in_scope_and_404_outside(matrix, role):
    client = api_client(matrix, role)
    wrong = {}
    for name, target in TARGETS.items():
        status = client.get(f"{target.api}{matrix[name]}/").status_code
        expected = 401 if role == "anonymous" else 200 if role in target.view else 404
        if status != expected:
            wrong[name] = (status, expected)
    assert not wrong, f"{role}: {{object: (got, expected)}} {wrong}"


def api_action_outcome(matrix, name: str, role: str) -> str | None:
    """Runs one action as one role; what went wrong, or None."""
    action = ACTIONS[name]
    data = action.data(matrix) if callable(action.data) else action.data
    url = action.collection or f"{TARGETS[action.target].api}{matrix[action.target]}/{action.path}"
    before = snapshot(matrix, action.target)
    call = getattr(api_client(matrix, role), action.method)
    response = call(url, data, format="multipart" if action.multipart else "json")
    after = snapshot(matrix, action.target)
    return judge(role, action, response.status_code, before, after, response.content.decode()[:300])


def judge(role: str, action: Action, status: int, before, after, body: str, success=range(200, 300)) -> str | None:
    if role in action.allowed and action.conflict:
        if status not in (409, 200) or (status == 200 and success != range(302, 303)):
            return f"got {status}, expected 409: {body}"
        return None if after == before else "a refused request changed data"
    if role in action.allowed:
        if status not in success:
            return f"got {status}, expected success: {body}"
        if after == before:
            return "answered success but changed nothing"
        if action.changes and after[1][action.changes] != before[1][action.changes] + 1:
            return f"no new {action.changes}"
        return None
    expected = 401 if role == "anonymous" else expected_denial(role, action)
    if status != expected:
        return f"got {status}, expected {expected}: {body}"
    return None if after == before else "a refused request changed data"


class _Undo(Exception):
    pass


def each_role_undone(roles, run) -> dict[str, str]:
    """``run(role)`` for each role in a savepoint rolled back after it: every role meets the same data."""
    wrong = {}
    for role in roles:
        try:
            with transaction.atomic():
                problem = run(role)
                raise _Undo
        except _Undo:
            pass
        if problem:
            wrong[role] = problem
    return wrong


GROUPS = {"others": [role for role in ROLES if role not in ADMINS], **{role: [role] for role in sorted(ADMINS)}}


@pytest.mark.parametrize("group", list(GROUPS))
@pytest.mark.parametrize("name", list(ACTIONS))
def test_api_action(matrix, name, group):
    wrong = each_role_undone(GROUPS[group], lambda role: api_action_outcome(matrix, name, role))
    assert not wrong, f"{name}: {wrong}"


# --- the web ---------------------------------------------------------------------------------------------------

# The web form of each action that has one on an object's page: its address and a valid submission. The
# target, who may and the state come from ``ACTIONS``.
WEB_ACTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "finding.issue": ("/findings/{pk}/act/issue/", {"comment": ""}),
    "finding.start": ("/findings/{pk}/act/start/", {"comment": ""}),
    "finding.return": ("/findings/{pk}/act/return/", {"comment": "佐证不足"}),
    "finding.to_long_term": ("/findings/{pk}/act/to_long_term/", {"comment": "需分年度推进"}),
    "finding.resume": ("/findings/{pk}/act/resume/", {"comment": "恢复整改"}),
    "finding.delay": ("/findings/{pk}/delay/", {"reason": "资金未到位", "expected_completion": _d(40)}),
    "finding.decide_delay": ("/findings/{pk}/delay/decide/", {"accept": "1", "note": "同意"}),
    "finding.verify": ("/findings/{pk}/verify/", {"verdict": "partly_rectified", "reasons": "尚未完成"}),
    "finding.plan": (
        "/findings/{pk}/plan/",
        {
            "measures": "逐项整改",
            "responsible_person": "李四",
            "planned_completion": _d(30),
            "rows-TOTAL_FORMS": "0",
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "20",
        },
    ),
    "project.issue": ("/projects/{pk}/issue/", {"report_number": "甲审报〔2025〕9号", "report_date": _d(0)}),
    "notification.read": ("/notifications/{pk}/read/", {}),
    "escalation.decide": ("/reporting/escalations/{pk}/decide/", {"take_up": "0", "reason": "已说明原因"}),
    "interview.decide": ("/interviews/{pk}/decide/", {"approve": "1", "reason": "屡审屡犯"}),
    "interview.items": (
        "/interviews/{pk}/items/new/",
        {"title": "建立制度", "due_date": _d(20), "responsible": "张三"},
    ),
    "interview_item.report": ("/interviews/items/{pk}/report/", {"text": "已完成"}),
    "referral.edit": ("/referrals/{pk}/edit/", {"title": "提请追责", "facts": "补充事实"}),
    "referral.approve": ("/referrals/{pk}/approve/", {"comment": ""}),
    "referral.acknowledge": ("/referrals/{pk}/acknowledge/", {"comment": ""}),
    "subscription.approve": ("/sharing/{pk}/approve/", {"comment": ""}),
    "subscription.reject": ("/sharing/{pk}/reject/", {"comment": "范围过宽"}),
    "subscription.revoke": ("/sharing/{pk}/revoke/", {"comment": ""}),
    "delivery.acknowledge": ("/references/deliveries/{pk}/acknowledge/", {"comment": ""}),
    "summary.refresh": ("/summaries/{pk}/refresh/", {"comment": ""}),
    "summary.submit": ("/summaries/{pk}/submit/", {"comment": ""}),
    "assignment.progress": ("/supervision/assignments/{pk}/progress/", {"text": "已完成一半"}),
    "assignment.return": ("/supervision/assignments/{pk}/return/", {"reason": "未办结"}),
    "circular.approve": ("/circulars/{pk}/approve/", {"comment": ""}),
    "question.answer": ("/congress/questions/{pk}/answer/", {"text": "已整改"}),
    "announcement.submit": ("/announcements/{pk}/submit/", {"comment": ""}),
    "announcement.approve": ("/announcements/{pk}/approve/", {"comment": ""}),
    "announcement.publish": ("/announcements/{pk}/publish/", {"comment": ""}),
    "announcement.withdraw": ("/announcements/{pk}/withdraw/", {"reason": "撤回"}),
    "announcement.correct": ("/announcements/{pk}/correct/", {"note": "更正"}),
    "assessment.review": ("/assessment/units/{pk}/review/", {"comment": "核对无误"}),
    "assessment.confirm": ("/assessment/units/{pk}/confirm/", {}),
    "assessment.recompute": ("/assessment/units/{pk}/recompute/", {}),
}
PAGES = [name for name, target in TARGETS.items() if target.web]


@pytest.mark.parametrize("role", ROLES)
def test_web_pages_answer_200_in_scope_and_404_outside(matrix, role):
    client = web_client(matrix, role)
    wrong = {}
    for name in PAGES:
        response = client.get(TARGETS[name].web.format(pk=matrix[name]))
        if role == "anonymous":
            expected, ok = "login", response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            # The administrators read the directory through the API; its pages show business data.
            expected = 200 if role in TARGETS[name].view and role not in ADMINS else 404
            ok = response.status_code == expected
        if not ok:
            wrong[name] = (response.status_code, expected)
    assert not wrong, f"{role}: {{page: (got, expected)}} {wrong}"


def web_action_outcome(matrix, name: str, role: str) -> str | None:
    action = ACTIONS[name]
    template, data = WEB_ACTIONS[name]
    before = snapshot(matrix, action.target)
    response = web_client(matrix, role).post(template.format(pk=matrix[action.target]), data)
    after = snapshot(matrix, action.target)
    if role == "anonymous":
        if response.status_code != 302 or "/accounts/login/" not in response["Location"]:
            return f"got {response.status_code}, expected the login page"
        return None if after == before else "a refused request changed data"
    # Success on the web is a redirect to the object; a refusal of the state shows the form again (200).
    return judge(role, action, response.status_code, before, after, "", success=range(302, 303))


@pytest.mark.parametrize("group", list(GROUPS))
@pytest.mark.parametrize("name", list(WEB_ACTIONS))
def test_web_action(matrix, name, group):
    wrong = each_role_undone(GROUPS[group], lambda role: web_action_outcome(matrix, name, role))
    assert not wrong, f"{name}: {wrong}"


# --- the web's creates ------------------------------------------------------------------------------------------

BUSINESS_ROLES = [role for role in ROLES if role not in ADMINS and role != "anonymous"]


@dataclasses.dataclass(frozen=True)
class WebCreate:
    """The web form of a create: its address (``{name}`` for a matrix id), a valid submission, and what
    each business role that ``ACTIONS[name].allowed`` leaves out gets: 403, 404, or the form shown again
    (200) with the error on the named field (``__all__``: above the form)."""

    path: str
    data: Callable[[dict[str, Any]], dict[str, Any]]
    refused: dict[str, int | str]


def _refused(allowed: frozenset[str], **special: int | str) -> dict[str, int | str]:
    """403 (the view refuses the role before the form) for every business role neither allowed nor
    named in ``special``, which spells out the others by role code."""
    return {role: special.get(role, 403) for role in BUSINESS_ROLES if role not in allowed}


def _web_report(ids):
    """The unit's report round with one evidence file: how evidence is added on the web."""
    return {
        "measures": "已清理", "progress": "完成", "amount_adjusted_in_accounts": "100.00",
        "evidence": upload("补充.pdf", PDF_BYTES),
        "rows-TOTAL_FORMS": "0", "rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "50",
    }  # fmt: skip


WEB_CREATES: dict[str, WebCreate] = {
    "finding.create": WebCreate(
        "/findings/new/",
        lambda ids: {
            "project": ids["project"],
            "unit": ids["unit_org"],
            "title": "新登记的问题",
            "description": "说明",
            "category": ids["category"],
            "legal_basis": "",
            "amount_involved": "100.00",
            "requirements": "整改",
            "kind": "immediate",
            "deadline": _d(60),
            "disclosure": "public",
        },
        # A unit's internal auditor records findings, in its own internal audits only: the office's
        # project is not among those it may choose.
        _refused(AUD, **{R.INTERNAL_AUDITOR: "project"}),
    ),
    "evidence.create": WebCreate(
        "/findings/{f_rect}/report/",
        _web_report,
        # Who sees the finding but is not its unit is refused the step; who does not see it, 404.
        _refused(
            UNIT,
            **{
                R.AUDITOR: 403,
                R.AUDIT_LEADER: 403,
                R.DEPT_SUPERVISOR: 403,
                R.SUPERVISOR_OFFICER: 403,
                R.ORG_OFFICER: 404,
                R.DISCIPLINE_OFFICER: 404,
                R.COMMITTEE_OFFICER: 404,
                R.GOVERNMENT_OFFICER: 404,
                R.FINANCE_OFFICER: 404,
                R.CONGRESS_OFFICER: 404,
                R.INTERNAL_AUDITOR: 404,
            },
        ),
    ),
    "project.create": WebCreate(
        "/projects/new/",
        lambda ids: {"name": "新项目", "year": "2025", "type": "budget_execution", "units": [ids["unit_org"]]},
        # A unit's internal auditor opens internal audits of its own unit only: the service says so.
        _refused(AUD, **{R.INTERNAL_AUDITOR: "__all__"}),
    ),
    "referral.create": WebCreate(
        "/referrals/new/",
        lambda ids: {
            "recipient": ids["discipline_org"],
            "ground": "refusal",
            "ledger_numbers": ids["ledger_numbers"]["f_rect"],
            "title": "",
            "facts": "拒不整改",
            "request": "",
        },
        _refused(AUD),
    ),
    "subscription.create": WebCreate(
        "/sharing/new/",
        lambda ids: {"target": "unit", "unit": ids["sibling_org"], "purpose": "巡察", "period_days": "7"},
        _refused(frozenset({R.SUPERVISOR_OFFICER})),
    ),
    "summary.create": WebCreate(
        "/summaries/new/",
        lambda ids: {"kind": "committee", "title": ""},
        # The roles that draft another kind (a unit's report, a department's sector report, the
        # government's report to the congress) are offered theirs alone.
        _refused(
            AUD,
            **{R.UNIT_CONTACT: "kind", R.UNIT_HEAD: "kind", R.DEPT_SUPERVISOR: "kind", R.GOVERNMENT_OFFICER: "kind"},
        ),
    ),
    "matter.create": WebCreate(
        "/supervision/new/",
        lambda ids: {
            "kind": "decision",
            "title": "督办",
            "content": "限期整改",
            "meeting": "审计委员会会议",
            "meeting_date": _d(-1),
            "assignees": [ids["sibling_org"]],
            "due_date": _d(30),
            "finding_numbers": "",
        },
        _refused(frozenset({R.COMMITTEE_OFFICER})),
    ),
    "circular.create": WebCreate(
        "/circulars/new/",
        lambda ids: {"kind": "criticism", "title": "通报", "body": "正文", "recipients": [ids["unit_org"]]},
        _refused(frozenset({R.COMMITTEE_OFFICER})),
    ),
    "congress.create": WebCreate(
        "/congress/new/",
        lambda ids: {
            "kind": "special_inquiry",
            "title": "询问",
            "session": "常委会",
            "held_on": _d(-1),
            "content": "询问",
            "organization": ids["unit_org"],
            "question": "请说明",
            "due_date": _d(30),
        },
        _refused(frozenset({R.CONGRESS_OFFICER})),
    ),
    "announcement.create": WebCreate(
        "/announcements/new/",
        lambda ids: {"audience": "public", "title": "整改情况公告", "introduction": ""},
        # The audit office drafts its own, a unit its own (each from its verified public findings).
        _refused(AUD | UNIT),
    ),
}


def test_web_creates_cover_every_create_and_every_role():
    creates = {name for name, action in ACTIONS.items() if action.changes}
    assert set(WEB_CREATES) == creates
    for name, create in WEB_CREATES.items():
        allowed = ACTIONS[name].allowed
        assert not allowed & set(create.refused), name
        assert allowed | set(create.refused) == set(BUSINESS_ROLES), name


def web_create_outcome(matrix, name: str, role: str) -> str | None:
    action, create = ACTIONS[name], WEB_CREATES[name]
    before = snapshot(matrix, None)
    response = web_client(matrix, role).post(create.path.format(**matrix), create.data(matrix))
    after = snapshot(matrix, None)
    status = response.status_code
    form = response.context.get("form") if response.context is not None else None
    errors = dict(form.errors) if form is not None else {}
    if role == "anonymous":
        if status != 302 or "/accounts/login/" not in response["Location"]:
            return f"got {status}, expected the login page"
    elif role in action.allowed:
        if status != 302:
            return f"got {status}, expected a redirect: {errors}"
        grown = after[1][action.changes] - before[1][action.changes]
        return None if grown == 1 else f"{grown} new {action.changes}, expected 1"
    else:
        expected = 404 if role in ADMINS else create.refused[role]
        if isinstance(expected, str):
            if status != 200 or expected not in errors:
                return f"got {status} {errors}, expected the form again with an error on {expected}"
        elif status != expected:
            return f"got {status}, expected {expected}: {errors}"
    return None if after == before else "a refused request changed data"


@pytest.mark.parametrize("group", list(GROUPS))
@pytest.mark.parametrize("name", list(WEB_CREATES))
def test_web_create(matrix, name, group):
    wrong = each_role_undone(GROUPS[group], lambda role: web_create_outcome(matrix, name, role))
    assert not wrong, f"{name}: {wrong}"
