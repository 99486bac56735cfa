"""Query budgets of the pages that read the ledger, pinned in the manner of NetBox's query counts and
Zulip's ``assert_database_query_count``.

The demo district is loaded at two sizes (50 and 500 findings, over many units and projects, in every
state, with plans, report rounds, evidence and verifications). Each page is asked for twice by each
role it serves; the second request is counted. The counts must be the same at both sizes (no query per
row, per task or per report) and equal to the budget below. A change that adds a query to a page
changes its budget here, on purpose and in review.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

SIZES = (50, 500)

WORKBENCH_ROLES = (
    "auditor", "auditlead", "unit", "unithead", "dept",
    "gov", "committee", "congress", "orgdept", "finance", "discipline", "sysadmin", "inspector", "internal",
)  # fmt: skip

# Every request also reads its session, its user and the user's place in the tree, and saves the
# session (about nine queries), and every page counts the unread notifications in its header; the
# rest is the page's own. Before the ledger app (the same demo
# district, 500 findings): the workbench 23 to 27 by role, the ledger 21, the finding page 46 to 52.
# The supervision and congress panels add to every workbench of a business role the supervised matters
# its organization owes and the congress's questions it must answer (one query each); the committee
# office's panel reads its open matters' parts and its circulars (two), the congress's its questions (one).
# The summary reports' panels add to every workbench of a business role the reports sent to the user's
# organization (one query) and, for those who draft or approve them, their own reports on the way (one).
# The referrals' panels add one query: to the receiving bodies (discipline commission, organization
# department, competent department) the referrals awaiting them, to the audit office those with feedback
# overdue. The discipline commission now sees the findings its referrals cite, so its workbench shows their figures.
# The committee office reads the findings its matters and circulars cite: each of its pages asks once whether
# there are any (so that, until there are, it is offered no ledger rows). A congress matter shows its steps (one).
# The portal's panels add to every workbench of a business role the limited circulations sent to the user's
# organization (one query) and, for those who draft announcements (the audit office, the units), their own
# announcements on the way (one); a finding's page lists the announcements carrying it (one).
# The performance assessment's panels add one query: to the audit leader the results awaiting review or
# confirmation, to a unit, a competent department, the committee office and the government the reviewed results.
# Special campaigns and consultations add two queries to every workbench of a business role (the campaigns its
# organization runs or is concerned by; the consultations it takes part in, with its measures still open), and
# two to the finding page (the campaigns covering the finding; whether looking back flags it: a relapsed
# re-check or a re-occurrence after close-out, one query, the details only when flagged).
# The tallies (rectify.tallies): the figures of the workbench and the dashboard are read from summary rows
# where they express the user's scope: one query asks whether anything changed or the day turned, one sums
# the figures (three before), one the task counts the tallies express (the others are counted from the
# findings in one more); the dashboard reads every unit's counts once for the top units and the
# departments (two before). A scope with a branch of cited findings (a referral's, a matter's) asks once
# whether that branch adds any finding to the rest.
# The figures are sums of the findings' denormalized columns (rectify.ledger.figures): one query where
# there were three (the counts, the report rounds' money, the latest verifications), on every page that
# shows them. The ledger lists no projects, units or departments (searchable pickers) and reads its years
# from the projects: two queries for its filter choices where there were five.
# The findings cited by the referrals a body received, or by the committee office's matters, are read as
# ids first (findings.scopes.cited_q, one query): ``unit IN (…) OR id IN (ids)`` is two index scans, where
# the subquery in the OR was tested on every finding (a district department's ledger took 0.6 s at 1,000,000
# findings). The workbench then checks once whether those ids are in the rest of the scope anyway.
BUDGETS = {
    "/workbench/ auditor": 28,  # task counts, task items, figures (2), roles, escalation proposals, summary reports (2)
    "/workbench/ auditlead": 28,  # no task of the auditor's falls to the audit leader
    "/workbench/ unit": 26,  # task counts, task items, figures (2), roles, obligations owed, summary reports (2)
    "/workbench/ unithead": 26,
    "/workbench/ dept": 27,  # the department's units, task counts, task items, figures (2), roles, routed reports
    "/workbench/ gov": 24,  # figures only, and the overview of overdue and repeat findings (by unit, by category;
    # the units counted by id, the top ones named after)
    "/workbench/ committee": 27,  # whether its matters and circulars cite findings (their scope asks once)
    "/workbench/ congress": 23,
    "/workbench/ orgdept": 30,  # the overview too, routed reports
    "/workbench/ finance": 22,
    "/workbench/ discipline": 22,  # no figures, no tasks: the roles' names, reports sent to it
    "/workbench/ sysadmin": 11,
    "/workbench/ inspector": 21,  # figures of what it subscribed to, its subscriptions
    "/workbench/ internal": 23,  # its tasks on its own internal audits, figures, their reporting (on-time
    # figures, reports overdue, escalation proposals to decide: three)
    "/ledger/ auditor": 16,  # the row count (bounded), filter choices (2: the years from the tallies, brought up to
    # date first: one more), saved views, rows
    "/ledger/ unit": 16,
    "/ledger/ dept": 20,  # whether the findings its referrals cite are its own anyway (the count from the tallies)
    "/ledger/figures/ auditor": 11,  # the ledger's figures panel: from the tallies (whether fresh, the sums)
    "/ledger/figures/ unit": 9,
    # a keyword the tallies do not keep: one sum over the matching findings; on PostgreSQL the search asks the
    # tallies how many findings it would read (whether fresh, the sum) to choose its plan (findings.denormalized)
    "/ledger/figures/?q= auditor": 11 + (2 if connection.vendor == "postgresql" else 0),
    "/findings/<id>/ auditor": 31,  # the finding, reports (+3), plan (+1), steps (3), history, requirements,
    # obligations, its escalation proposals, the interviews and the referrals citing it, …; the similar findings
    # and repeat proposals are loaded beside the page (analysis.views.FindingSimilarView)
    "/findings/<id>/ unit": 26,
    "/dashboard/ auditor": 20,  # no list of departments (a picker); the top units' names after their counts
    "/dashboard/ gov": 19,
    "/api/findings/ auditor": 14,  # the count from the tallies (whether fresh, the sum): no pass over the scope
    "/summaries/ auditor": 12,  # the reports (count, rows), the filter's choices need none
    "/summaries/ congress": 12,
    "/summaries/<id>/ auditor": 13,  # the report with its people, recipients, steps, the user's roles
    "/summaries/<id>/ congress": 13,
    "/api/summary-reports/ auditor": 12,  # count, rows, their recipients
    "/supervision/ committee": 14,  # the matters (count, rows), their parts the user sees, whether it cites findings
    "/supervision/ unit": 11,
    "/supervision/<id>/ committee": 17,  # the matter, its parts with their progress, findings, units, steps
    "/supervision/<id>/ unit": 14,
    "/circulars/ committee": 13,
    "/circulars/ unit": 10,
    "/circulars/<id>/ committee": 16,  # the circular, recipients, matters, findings, steps
    "/congress/ congress": 13,  # the matters (count, rows), their questions the user sees
    "/congress/ dept": 14,
    "/congress/<id>/ congress": 14,  # the matter, its questions with their responses, its steps
    "/congress/<id>/ dept": 15,
    "/api/supervised-matters/ auditor": 14,  # count, rows, findings, units, parts
    "/api/congress-matters/ gov": 14,  # count, rows, questions, responses, steps
    "/interviews/ auditor": 12,  # the interviews (count, rows with unit and finding)
    "/interviews/ unit": 10,
    "/interviews/<id>/ auditor": 16,  # the interview, its items and their reports, the steps (2), escalations
    "/interviews/<id>/ unit": 12,
    "/api/interviews/ auditor": 13,  # count, rows, their items and the items' reports
    "/referrals/ auditor": 12,  # the referrals (count, rows), the filter's choices need none
    "/referrals/ discipline": 13,  # whether any referral reached it (the cited findings' scope asks once)
    "/referrals/<id>/ auditor": 13,  # the referral with its people, the cited findings (scoped), the persons
    "/referrals/<id>/ discipline": 14,
    "/api/referrals/ auditor": 13,  # count, rows, their findings and persons
    "/sharing/ auditor": 12,  # the subscriptions with their subscribers and what they cover
    "/sharing/ inspector": 13,  # and the subscribing body's own place
    "/sharing/<id>/ auditor": 13,  # the subscription, whether the user decides it, its digests
    "/sharing/<id>/ inspector": 13,
    "/ledger/ inspector": 17,  # the ledger as a subscribing body reads it (its approved subscriptions: one)
    "/api/subscriptions/ auditor": 11,
}


def full_finding(user):
    """A finding the user sees with a plan, several report rounds, evidence and verifications: one
    returned for rework and submitted again, so that it awaits verification (the same steps at both sizes)."""
    from rectify.findings.choices import FindingState
    from rectify.findings.models import Finding

    return (
        Finding.objects.restrict(user)
        .filter(state=FindingState.SUBMITTED, plan__isnull=False, reports__evidence__isnull=False)
        .annotate(rounds=Count("reports", distinct=True), verified=Count("verifications", distinct=True))
        .filter(rounds__gte=2, verified__gte=1)
        .order_by("-rounds", "pk")
        .first()
    )


def pages() -> list[tuple[str, str, str]]:
    from rectify.accounts.models import User

    found = [(f"/workbench/ {role}", role, "/workbench/") for role in WORKBENCH_ROLES]
    found += [(f"/ledger/ {role}", role, "/ledger/") for role in ("auditor", "unit", "dept")]
    found += [(f"/ledger/figures/ {role}", role, "/ledger/figures/") for role in ("auditor", "unit")]
    found.append(("/ledger/figures/?q= auditor", "auditor", "/ledger/figures/?q=%E8%B5%84%E9%87%91"))
    for role in ("auditor", "unit"):
        finding = full_finding(User.objects.get(username=role))
        assert finding is not None, f"the demo gives {role} no finding with a full record"
        found.append((f"/findings/<id>/ {role}", role, f"/findings/{finding.pk}/"))
    found += [(f"/dashboard/ {role}", role, "/dashboard/") for role in ("auditor", "gov")]
    found.append(("/api/findings/ auditor", "auditor", "/api/findings/"))
    # Summary reports: the list and a report's page read the stored figures, whatever the ledger's size.
    from rectify.summaries.models import SummaryReport

    found += [(f"/summaries/ {role}", role, "/summaries/") for role in ("auditor", "congress")]
    for role, kind in (("auditor", "committee"), ("congress", "congress")):
        report = SummaryReport.objects.get(issuer__jurisdiction__code="QJ", kind=kind, state="sent")
        found.append((f"/summaries/<id>/ {role}", role, f"/summaries/{report.pk}/"))
    found.append(("/api/summary-reports/ auditor", "auditor", "/api/summary-reports/"))
    # Supervised matters, circulars and congress matters: the demo's own, the same at every size.
    from rectify.congress.models import CongressMatter
    from rectify.supervision.models import Circular, SupervisedMatter

    matter = SupervisedMatter.objects.get(issuer__jurisdiction__code="QJ", kind="decision", state="open")
    circular = Circular.objects.filter(issuer__jurisdiction__code="QJ", state="issued").order_by("pk").first()
    inquiry = CongressMatter.objects.get(issuer__jurisdiction__code="QJ", kind="special_inquiry")
    found += [(f"/supervision/ {role}", role, "/supervision/") for role in ("committee", "unit")]
    found += [(f"/supervision/<id>/ {role}", role, matter.get_absolute_url()) for role in ("committee", "unit")]
    found += [("/circulars/ committee", "committee", "/circulars/"), ("/circulars/ unit", "unit", "/circulars/")]
    found.append(("/circulars/<id>/ committee", "committee", circular.get_absolute_url()))
    found += [(f"/congress/ {role}", role, "/congress/") for role in ("congress", "dept")]
    found += [(f"/congress/<id>/ {role}", role, inquiry.get_absolute_url()) for role in ("congress", "dept")]
    found.append(("/api/supervised-matters/ auditor", "auditor", "/api/supervised-matters/"))
    found.append(("/api/congress-matters/ gov", "gov", "/api/congress-matters/"))
    # Interviews: the list, a held interview with its follow-up items and their reports, the API.
    from rectify.interviews.models import Interview

    found += [(f"/interviews/ {role}", role, "/interviews/") for role in ("auditor", "unit")]
    interview = Interview.objects.filter(unit__users__username="unit", state="held").order_by("pk").first()
    found += [(f"/interviews/<id>/ {role}", role, f"/interviews/{interview.pk}/") for role in ("auditor", "unit")]
    found.append(("/api/interviews/ auditor", "auditor", "/api/interviews/"))
    # Referrals: the list and a referral's page, for the audit office and the discipline commission.
    from rectify.referrals.models import Referral

    found += [(f"/referrals/ {role}", role, "/referrals/") for role in ("auditor", "discipline")]
    concluded = Referral.objects.get(
        office__jurisdiction__code="QJ", state="concluded", recipient__kind="discipline_commission"
    )
    found += [(f"/referrals/<id>/ {role}", role, f"/referrals/{concluded.pk}/") for role in ("auditor", "discipline")]
    found.append(("/api/referrals/ auditor", "auditor", "/api/referrals/"))
    # Sharing: the subscriptions, one of them, and the ledger as a subscribing body reads it.
    from rectify.sharing.models import Subscription

    found += [(f"/sharing/ {role}", role, "/sharing/") for role in ("auditor", "inspector")]
    subscription = Subscription.objects.get(state="approved")
    found += [(f"/sharing/<id>/ {role}", role, f"/sharing/{subscription.pk}/") for role in ("auditor", "inspector")]
    found.append(("/ledger/ inspector", "inspector", "/ledger/"))
    found.append(("/api/subscriptions/ auditor", "auditor", "/api/subscriptions/"))
    return found


def count_queries(size: int) -> dict[str, int]:
    from rectify.accounts.reference import ensure_roles
    from rectify.demo.services import load_demo
    from rectify.findings.reference import ensure_reference_data

    counts = {}
    with transaction.atomic():
        # A browser test that ran before on this worker flushed the database, seeded rows included.
        ensure_roles()
        ensure_reference_data()
        load_demo(findings=size)
        for key, username, url in pages():
            client = Client()
            assert client.login(username=username, password=settings.RECTIFY_DEMO_PASSWORD)
            assert client.get(url).status_code == 200, key  # warms what a first request does once
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, key
            counts[key] = len(queries)
        transaction.set_rollback(True)
    return counts


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[int, dict[str, int]]:
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    media = tmp_path_factory.mktemp("media")
    counts = {}
    for size in SIZES:
        # Each size's demo builds its own similarity index, in a folder of its own: the finding page searches it.
        analysis = str(tmp_path_factory.mktemp(f"analysis-{size}"))
        with (
            django_db_blocker.unblock(),
            override_settings(
                MEDIA_ROOT=media,
                PASSWORD_HASHERS=fast,
                AXES_ENABLED=False,
                RECTIFY_DEMO_MODE=True,
                RECTIFY_ANALYSIS_DIR=analysis,
            ),
        ):
            counts[size] = count_queries(size)
    return counts


@pytest.mark.django_db
def test_the_pages_ask_as_many_queries_whatever_the_size_of_the_ledger_and_keep_their_budgets(query_counts):
    # One test, so that the two loads are not repeated on another worker.
    small, large = (query_counts[size] for size in SIZES)
    print("\n".join(f"{key:28s} {small[key]:4d} {large[key]:4d}" for key in small))  # shown when it fails
    assert small == large
    assert large == BUDGETS
