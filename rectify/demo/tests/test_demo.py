"""The demo district: what `rectify demo` loads is complete, consistent and usable by every demo account."""

from __future__ import annotations

import io
import itertools
import re
import string
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from rectify.audits.choices import AuditType
from rectify.audits.models import AuditProject
from rectify.demo import services, texts
from rectify.findings.choices import Colour, EventKind, FindingState
from rectify.findings.models import Finding, FindingEvent
from rectify.findings.services import default_deadline
from rectify.organizations.choices import OrganizationKind
from rectify.organizations.models import Organization
from rectify.rectification.evidence import sniff
from rectify.rectification.models import Evidence, ProgressReport, Verification

DEMO_ACCOUNTS = [
    "auditor", "auditlead", "unit", "unithead", "dept", "orgdept", "discipline", "finance", "committee", "gov",
    "congress", "sysadmin", "secadmin", "logaudit", "inspector", "internal",
    "committee2",
]  # fmt: skip
FINDINGS = 200


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district with 200 findings, loaded once for this module and rolled back after it."""
    media = tmp_path_factory.mktemp("demo-media")
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=fast_hash,
            RECTIFY_DEMO_MODE=True,
            RECTIFY_ANALYSIS_DIR=str(tmp_path_factory.mktemp("demo-analysis")),
        ),
    ):
        with transaction.atomic():
            out = io.StringIO()
            call_command("demo", findings=FINDINGS, stdout=out)
            yield SimpleNamespace(output=out.getvalue(), media=media)
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def qj_findings():
    """The generated ledger: the audit office's findings (a unit's own internal audit is tested apart)."""
    return Finding.objects.filter(project__jurisdiction__code="QJ", project__audit_office__kind="audit_office")


def qj_projects():
    return AuditProject.objects.filter(jurisdiction__code="QJ", audit_office__kind="audit_office")


def test_the_command_reports_what_it_loaded(demo):
    assert "加载完成" in demo.output
    assert f"问题 {FINDINGS} 条" in demo.output
    assert re.search(r"耗时 \d+\.\d 秒", demo.output)


def test_every_kind_of_organization_type_and_state_is_present(demo):
    kinds = set(Organization.objects.filter(jurisdiction__code="QJ").values_list("kind", flat=True))
    assert kinds == set(OrganizationKind.values)
    assert 50 <= Organization.objects.filter(jurisdiction__code="QJ").count() <= 70
    types = set(AuditProject.objects.filter(jurisdiction__code="QJ").values_list("type", flat=True))
    assert types == set(AuditType.values)
    states = set(qj_findings().values_list("state", flat=True))
    assert states == set(FindingState.values)
    assert qj_findings().count() == FINDINGS


def test_five_audit_years_ending_last_year(demo):
    last = timezone.localdate().year - 1
    years = set(qj_projects().values_list("year", flat=True))
    assert years == set(range(last - 4, last + 1))
    fieldwork = qj_projects().filter(report_date__isnull=True)
    assert fieldwork.exists() and set(fieldwork.values_list("year", flat=True)) == {last}
    assert not qj_findings().filter(project__in=fieldwork).exclude(state=FindingState.DRAFT).exists()
    for project in qj_projects().filter(report_date__isnull=False):
        assert re.fullmatch(r"黔江审报〔\d{4}〕\d+号", project.report_number)
        assert project.started_on < project.report_date < timezone.localdate()
        assert 1 <= project.units.count() <= 3
        assert project.leader in project.team.all()
        if project.type in (AuditType.ECONOMIC_RESPONSIBILITY, AuditType.NATURAL_RESOURCES):
            assert project.audited_official


def test_red_yellow_and_green_findings(demo):
    colours = set(qj_findings().with_colour().values_list("colour_code", flat=True))
    assert {Colour.RED, Colour.YELLOW, Colour.GREEN} <= colours


def test_repeat_findings_point_to_earlier_findings_of_the_same_unit_and_category(demo):
    repeats = qj_findings().filter(repeats__isnull=False).distinct()
    assert repeats.exists()
    for finding in repeats:
        for earlier in finding.repeats.all():
            assert earlier.unit_id == finding.unit_id
            assert earlier.category_id == finding.category_id
            assert earlier.project.year < finding.project.year


def test_findings_are_numbered_dated_and_described_like_the_services_do(demo):
    for finding in qj_findings().select_related("project", "category"):
        project = finding.project
        assert finding.ledger_number == f"QJ-{project.year}-{project.sequence:03d}-{finding.sequence:03d}"
        assert finding.requirements.count() in range(1, 5)
        assert finding.involves_fiscal_funds == finding.category.involves_fiscal_funds
        assert finding.category.parent_id is not None
        assert finding.legal_basis.startswith("《")
        assert finding.amount_involved == finding.amount_involved.quantize(Decimal("0.01"))
        assert "{" not in finding.title + finding.description
        if finding.state == FindingState.DRAFT:
            assert finding.deadline is None and finding.issued_at is None
        else:
            assert finding.deadline == default_deadline(finding.kind, project.report_date)
            assert timezone.localtime(finding.issued_at).date() == project.report_date


def test_every_closed_finding_ends_with_a_rectified_verification_by_another_person(demo):
    closed = qj_findings().filter(state=FindingState.CLOSED)
    assert closed.exists()
    for finding in closed:
        last = finding.verifications.order_by("-verified_at").first()
        assert last.verdict == "rectified"
        assert last.verifier_id != last.report.submitted_by_id
        assert last.verifier.has_role("auditor", "audit_leader")
        assert finding.closed_at >= last.verified_at
    assert not Verification.objects.filter(finding__state__in=["draft", "issued"]).exists()


def test_returned_rounds_and_false_rectification(demo):
    verdicts = set(Verification.objects.values_list("verdict", flat=True))
    assert {"rectified", "partly_rectified", "not_rectified", "false_rectification"} <= verdicts
    returned = FindingEvent.objects.filter(action="return").values_list("finding", flat=True)
    resubmitted = qj_findings().filter(pk__in=returned, state__in=["submitted", "closed"])
    assert resubmitted.exists()
    for finding in resubmitted:
        assert finding.reports.count() >= 2


def test_long_term_findings_have_continued_reports(demo):
    continued = ProgressReport.objects.filter(kind="continued", finding__state=FindingState.LONG_TERM)
    assert continued.exists()
    for report in continued:
        assert report.next_steps and report.next_steps_due


def test_report_rounds_are_numbered_without_gaps_and_amounts_stay_within_the_finding(demo):
    rounds = defaultdict(list)
    totals = defaultdict(Decimal)
    for report in ProgressReport.objects.filter(finding__in=qj_findings()):
        rounds[report.finding_id].append(report.round)
        totals[report.finding_id] += report.amount_rectified
        assert report.evidence.exists()
    assert rounds
    for numbers in rounds.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    involved = dict(qj_findings().values_list("pk", "amount_involved"))
    for finding_id, total in totals.items():
        assert total <= involved[finding_id]
    for finding_id, verified in Verification.objects.filter(finding__in=qj_findings()).values_list(
        "finding", "verified_amount"
    ):
        assert verified <= totals[finding_id]


def test_every_finding_has_a_timeline_that_tells_its_states_in_order(demo):
    now = timezone.now()
    for finding in qj_findings().prefetch_related("events"):
        events = list(finding.events.all())
        assert events, finding.ledger_number
        assert events[0].kind == EventKind.CREATED
        assert all(a.at <= b.at for a, b in itertools.pairwise(events))
        assert events[-1].at <= now
        state = FindingState.DRAFT
        for event in events:
            assert event.actor_name
            if event.kind == EventKind.TRANSITION:
                assert event.from_state == state
                state = event.to_state
        assert state == finding.state
        history = list(finding.history.order_by("history_date"))
        assert history[0].history_type == "+" and history[0].state == FindingState.DRAFT
        assert history[-1].state == finding.state


def test_plans_name_the_unit_head_as_first_responsible(demo):
    for finding in qj_findings().exclude(state__in=["draft", "issued"]).select_related("unit", "plan"):
        assert finding.plan.first_responsible == finding.unit.head_name
        assert finding.plan.milestones.exists()


def test_evidence_files_are_real_and_stored_once_by_content(demo):
    names = set(Evidence.objects.values_list("file", flat=True))
    assert 3 <= len(names) <= 12
    for name in names:
        row = Evidence.objects.filter(file=name).first()
        with override_settings(MEDIA_ROOT=demo.media), default_storage.open(name) as handle:
            facts = sniff(handle)
        assert facts.sha256 == row.sha256 and facts.content_type == row.content_type
        assert row.content_type in ("application/pdf", "image/png")


def test_every_demo_account_can_log_in_in_demo_mode_and_none_outside_it(demo, client):
    for username in DEMO_ACCOUNTS:
        assert client.login(username=username, password=settings.RECTIFY_DEMO_PASSWORD), username
        # Spared the forced change of a shared password in demo mode (DESIGN section 7).
        assert client.get("/workbench/").status_code == 200, username
        client.logout()
    with override_settings(RECTIFY_DEMO_MODE=False):
        for username in DEMO_ACCOUNTS:
            assert not client.login(username=username, password=settings.RECTIFY_DEMO_PASSWORD), username


def test_the_demo_unit_sees_its_findings_in_many_states(demo):
    from rectify.accounts.models import User

    unit = User.objects.get(username="unit")
    assert User.objects.get(username="unithead").organization == unit.organization
    assert User.objects.get(username="dept").organization == unit.organization.competent_department
    visible = Finding.objects.restrict(unit)
    assert visible.count() >= 10
    assert len(set(visible.values_list("state", flat=True))) >= 4


def test_the_system_administrator_manages_reference_data_in_the_admin(demo, client):
    client.login(username="sysadmin", password=settings.RECTIFY_DEMO_PASSWORD)
    for url in ["/admin/organizations/organization/", "/admin/findings/category/", "/admin/accounts/user/"]:
        assert client.get(url).status_code == 200, url


def test_the_analysis_has_proposals_in_every_state_and_clusters(demo):
    from rectify.analysis.models import Cluster, RepeatProposal

    states = set(RepeatProposal.objects.values_list("state", flat=True))
    assert states == {"proposed", "confirmed", "rejected"}
    confirmed = RepeatProposal.objects.get(state="confirmed")
    assert confirmed.earlier in confirmed.finding.repeats.all()
    assert Cluster.objects.filter(unit_count__gte=2).exists()


def test_once_does_nothing_the_second_time(demo):
    before = (Finding.all_objects.count(), Organization.all_objects.count(), FindingEvent.objects.count())
    out = io.StringIO()
    call_command("demo", once=True, stdout=out)
    assert "已存在" in out.getvalue()
    assert (Finding.all_objects.count(), Organization.all_objects.count(), FindingEvent.objects.count()) == before


def test_loading_twice_without_once_is_refused(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", stdout=io.StringIO())


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def test_every_template_of_every_category_can_be_filled():
    from rectify.findings.models import Category

    keys = set(texts.WORDS) | set(texts.SECTOR_WORDS["GENERAL"]) | {
        "Y", "Yp", "short", "unit", "amount", "part", "budget", "actual", "n", "k", "m", "pct", "days", "area", "mu",
    }  # fmt: skip
    codes = set(Category.objects.filter(parent__isnull=False).values_list("code", flat=True))
    assert set(texts.CATEGORY_TEXTS) == codes
    for code, text in texts.CATEGORY_TEXTS.items():
        with_money = text["a"] is not None
        without = text["z"] > 0
        assert not with_money or (text["t"] and text["d"]), code
        assert not without or (text["t0"] and text["d0"]), code
        for key in ("t", "d", "t0", "d0", "r"):
            for template in text.get(key, []):
                assert _fields(template) <= keys, (code, template)
                if key in ("t0", "d0"):
                    assert "amount" not in _fields(template), (code, template)
        assert all(sector.keys() == texts.SECTOR_WORDS["GENERAL"].keys() for sector in texts.SECTOR_WORDS.values())


def test_too_few_findings_is_refused():
    with pytest.raises(services.DemoError):
        services.load_demo(findings=10)


def test_money_is_written_the_way_audit_reports_write_it():
    assert services.money_text(186_4200_00) == "186.42万元"
    assert services.money_text(8650_00) == "8650元"
    assert services.money_text(10_000_00) == "1万元"


def test_generated_files_are_well_formed():
    from rectify.demo import files

    document = files.pdf("整改情况报告", ["第一行"], ["latin (line)"])
    assert document.startswith(b"%PDF-1.4") and document.rstrip().endswith(b"%%EOF")
    xref = int(document.rsplit(b"startxref", 1)[1].split()[0])
    assert document[xref:].startswith(b"xref")
    entries = document[xref:].split(b"\n")[3:11]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert document[offset:].startswith(f"{number} 0 obj".encode())
    picture = files.png(8, 4, (10, 20, 30), (200, 200, 200))
    assert sniff(io.BytesIO(picture)).content_type == "image/png"
    assert sniff(io.BytesIO(document)).content_type == "application/pdf"


def test_states_events_and_money_follow_the_services_rules(demo):
    """What the services' rules would give: the ledger number, each transition's source and target in the
    workflow's table, close-out only after a verification that closes the finding, and verified money
    within what the counted (not rejected) rounds claimed."""
    from rectify.findings.services import ledger_number
    from rectify.findings.workflow import TRANSITIONS
    from rectify.rectification.services import counted_amount

    findings = qj_findings().select_related("project__jurisdiction").prefetch_related("events")
    for finding in findings:
        assert finding.ledger_number == ledger_number(finding.project, finding.sequence)
        transitions = [e for e in finding.events.all() if e.kind == EventKind.TRANSITION]
        for event in transitions:
            rule = TRANSITIONS[event.action]
            assert event.from_state in rule.sources and event.to_state == rule.target, (finding, event.action)
        if finding.state == FindingState.CLOSED:
            latest = finding.verifications.order_by("-verified_at").first()
            assert latest.closes_finding
            assert transitions[-1].action == "close" and transitions[-1].at >= latest.verified_at
        reports = list(finding.reports.order_by("round"))
        verdicts = {v.report_id: v for v in finding.verifications.all()}
        for index, report in enumerate(reports):
            verification = verdicts.get(report.pk)
            if verification is None:
                continue
            claimed = counted_amount((r, verdicts.get(r.pk)) for r in reports[: index + 1])
            assert verification.verified_amount <= claimed, (finding, report.round)


def test_sharing_and_internal_audit(demo, client):
    """The 区委巡察办's subscriptions in every state, the digest sent, and the demo unit's own internal
    audit from draft to closed, worked by ``internal`` and read by the audit office."""
    from rectify.accounts.models import User
    from rectify.sharing.choices import SubscriptionState
    from rectify.sharing.models import Digest, Subscription

    assert set(Subscription.objects.values_list("state", flat=True)) == set(SubscriptionState.values)
    assert Digest.objects.count() == 1
    internal = Finding.objects.filter(ledger_number__startswith="NB-")
    assert set(internal.values_list("state", flat=True)) == {"draft", "issued", "rectifying", "submitted", "closed"}
    inspector, auditor, own = (User.objects.get(username=n) for n in ("inspector", "auditor", "internal"))
    assert Finding.objects.restrict(inspector).exists()
    assert not Finding.objects.restrict(inspector, "act").exists()
    assert Finding.objects.restrict(auditor).filter(pk__in=internal).count() == 4  # not the draft
    assert not Finding.objects.restrict(auditor, "act").filter(pk__in=internal).exists()
    assert set(Finding.objects.restrict(own, "act").values_list("pk", flat=True)) == set(
        internal.values_list("pk", flat=True)
    )


def test_circulars_reach_every_state_approved_by_another_officer(demo):
    """The committee office's circulars: one in each state, each approved by ``committee2``, never by the
    officer who drafted it (four eyes)."""
    from rectify.supervision.choices import CircularState
    from rectify.supervision.models import Circular

    circulars = list(Circular.objects.select_related("drafted_by", "approved_by"))
    assert {c.state for c in circulars} == set(CircularState.values)
    approved = [c for c in circulars if c.state != CircularState.DRAFT]
    assert approved and all(c.approved_by.username == "committee2" != c.drafted_by.username for c in approved)


def test_congress_matters_carry_their_record(demo):
    """Every congress matter has its record from its recording on; one was corrected after recording."""
    from rectify.congress.models import CongressMatter

    matters = list(CongressMatter.objects.prefetch_related("steps"))
    assert matters and all(m.steps.all()[0].kind == "recorded" for m in matters)
    edited = [m for m in matters if any(s.kind == "edited" for s in m.steps.all())]
    assert len(edited) == 1 and edited[0].version == 2 and edited[0].history.count() == 2
    closed = [m for m in matters if m.state == "closed"]
    assert closed and all(m.steps.all()[len(m.steps.all()) - 1].kind == "closed" for m in closed)


def test_the_performance_assessment_reaches_every_state(demo):
    """A scheme per audit year, every unit with findings assessed; computed, reviewed (one line adjusted
    with a reason) and one confirmed result, which froze its scheme; each point traced to its facts."""
    from rectify.assessment.models import Assessment, AssessmentScheme, LineAdjustment

    years = sorted(set(qj_projects().values_list("year", flat=True)))
    schemes = AssessmentScheme.objects.filter(jurisdiction__code="QJ")
    assert sorted(schemes.values_list("year", flat=True)) == years
    assert set(schemes.values_list("state", flat=True)) == {"draft", "frozen"}
    assert set(schemes.values_list("computation_status", flat=True)) == {"done"}
    units = set(qj_findings().exclude(state=FindingState.DRAFT).values_list("project__year", "unit_id"))
    assert set(Assessment.objects.filter(scheme__in=schemes).values_list("year", "unit_id")) == units
    assert set(Assessment.objects.values_list("state", flat=True)) == {"computed", "reviewed", "confirmed"}
    confirmed = Assessment.objects.get(state="confirmed")
    assert confirmed.unit.users.filter(username="unit").exists() and confirmed.scheme.state == "frozen"
    assert LineAdjustment.objects.filter(reason__startswith="演示").count() == 1
    line = confirmed.lines.get(code="rectification_rate")
    assert line.explanation.startswith("规则「整改率」") and "groups" in line.facts


def test_the_references_show_real_content(demo, client):
    """Both references of the use of results (source 三(六)) have content: economic-responsibility audits
    whose leaders have findings and accountability on record, fiscal-fund findings over several years,
    and a delivery to each recipient, one of them acknowledged."""
    from rectify.accounts.models import User
    from rectify.references import readers
    from rectify.references.models import ReferenceDelivery

    orgdept, finance = User.objects.get(username="orgdept"), User.objects.get(username="finance")
    projects = readers.cadre_projects(orgdept).filter(type=AuditType.ECONOMIC_RESPONSIBILITY)
    figures = readers.cadre_figures(orgdept, list(projects.values_list("pk", flat=True)))
    with_findings = [pk for pk, f in figures.items() if f["count"]]
    with_outcomes = [pk for pk, f in figures.items() if f["count"] and (f["interviews"] or f["referrals"])]
    assert len(with_findings) >= 2 and len(with_outcomes) >= 2
    assert any(f["referrals"] for f in figures.values())
    fiscal = readers.budget_findings(finance)
    assert len(readers.years_of(fiscal)) >= 3
    assert len(readers.budget_ranking(finance)["rows"]) >= 2
    assert set(ReferenceDelivery.objects.values_list("kind", "state")) == {
        ("cadre", "acknowledged"), ("budget", "sent"),
    }  # fmt: skip
    client.force_login(orgdept)
    assert client.get(f"/references/cadres/{with_outcomes[0]}/").status_code == 200
    client.force_login(finance)
    assert client.get("/references/budget/").status_code == 200
