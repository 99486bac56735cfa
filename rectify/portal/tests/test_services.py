"""The named actions of announcements: who may take each, what each checks, and the frozen snapshot."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rectify.core.exceptions import ActionRefused
from rectify.findings.models import Finding
from rectify.portal import services
from rectify.portal.choices import AnnouncementState, Audience, Publisher
from rectify.portal.models import Announcement, Reading, Step
from rectify.portal.tests.helpers import approved, closed, draft, published, unit_published
from rectify.security_log.models import SecurityEvent
from rectify.testing import make_finding

pytestmark = pytest.mark.django_db


def test_a_draft_takes_the_verified_public_findings_of_the_scope_and_nothing_else(world):
    public = closed(world, title="公开的已销号问题")
    limited = closed(world, title="限定范围的已销号问题", disclosure="limited")
    secret = closed(world, title="涉密的已销号问题", disclosure="confidential")
    still_open = make_finding(world, "submitted", title="尚未核实的问题")
    cadre = closed(world, title="经济责任审计的问题", project=world.cadre_project)

    announcement = draft(world)

    findings = set(announcement.items.values_list("finding_id", flat=True))
    assert findings == {public.pk}
    assert {limited.pk, secret.pk, still_open.pk, cadre.pk}.isdisjoint(findings)
    item = announcement.items.get()
    assert (item.ledger_number, item.unit_name) == (public.ledger_number, "甲区第一中学")
    assert item.title == "公开的已销号问题"
    assert item.amount_rectified == Decimal("125000.00")
    assert "清理长期挂账的往来款项" in item.requirements_summary
    assert announcement.kind == Publisher.OFFICE and announcement.state == AnnouncementState.DRAFT
    assert Step.objects.filter(announcement=announcement, kind="drafted").exists()


def test_a_limited_circulation_takes_only_limited_findings(world):
    closed(world, title="公开的问题")
    limited = closed(world, title="限定范围的问题", disclosure="limited")
    closed(world, title="涉密的问题", disclosure="confidential")
    circulation = draft(world, audience=Audience.LIMITED, recipients=[world.dept, world.orgdept])
    assert list(circulation.items.values_list("finding_id", flat=True)) == [limited.pk]
    assert set(circulation.recipients.all()) == {world.dept, world.orgdept}


def test_a_circulation_needs_recipients_and_a_public_announcement_takes_none(world):
    closed(world, disclosure="limited")
    with pytest.raises(ActionRefused) as refused:
        draft(world, audience=Audience.LIMITED)
    assert "recipients" in refused.value.message_dict
    closed(world)
    with pytest.raises(ActionRefused):
        draft(world, recipients=[world.dept])


def test_no_draft_without_an_eligible_finding(world):
    closed(world, disclosure="confidential")
    with pytest.raises(ActionRefused, match="没有可以"):
        draft(world)
    assert not Announcement.objects.exists()


def test_the_scope_narrows_by_project_year_and_unit(world):
    mine = closed(world, title="第一中学的问题")
    closed(world, title="交通局的问题", unit=world.other_unit)
    by_unit = draft(world, unit=world.unit)
    assert list(by_unit.items.values_list("finding_id", flat=True)) == [mine.pk]
    with pytest.raises(ActionRefused):
        draft(world, year=2019)
    assert draft(world, project=world.project).items.count() == 2


def test_the_whole_way_to_publication_freezes_the_published_fields(world):
    finding = closed(world, title="原来的问题摘要")
    announcement = published(world)
    assert announcement.state == AnnouncementState.PUBLISHED and announcement.published_at is not None
    assert announcement.publisher_name == world.office_a.name
    assert announcement.approved_by == world["auditlead"]

    # The finding changes afterwards: its title, its unit's name, even its disclosure.
    Finding.objects.filter(pk=finding.pk).update(title="修改后的问题摘要", disclosure="confidential")
    world.unit.name = "改名后的单位"
    world.unit.save()

    item = Announcement.objects.get(pk=announcement.pk).items.get()
    assert (item.title, item.unit_name) == ("原来的问题摘要", "甲区第一中学")
    assert item.amount_rectified == Decimal("125000.00")


def test_publishing_checks_every_finding_again(world):
    finding = closed(world)
    announcement = approved(world)
    Finding.objects.filter(pk=finding.pk).update(disclosure="limited")
    with pytest.raises(ActionRefused, match=finding.ledger_number):
        services.publish_announcement(world["auditor"], announcement)
    assert Announcement.objects.get(pk=announcement.pk).state == AnnouncementState.APPROVED


def test_a_correction_is_a_new_version_that_supersedes_the_old_once_published(world):
    closed(world)
    old = published(world)
    new = services.correct_announcement(world["auditor"], old, "更正第1项的整改金额表述")
    assert new.revision == 2 and new.corrects == old and new.state == AnnouncementState.DRAFT
    assert Announcement.objects.get(pk=old.pk).state == AnnouncementState.PUBLISHED  # until the correction is out
    with pytest.raises(ActionRefused, match="更正在办理中"):
        services.correct_announcement(world["auditor"], old, "再次更正")
    item = new.items.get()
    services.update_item(world["auditor"], item, services.ItemText("更正后的标题", result="已全部整改到位"))
    published(world, new)
    old.refresh_from_db()
    assert old.state == AnnouncementState.SUPERSEDED and old.superseded_at is not None
    assert old.items.get().title != "更正后的标题"
    assert Announcement.objects.get(pk=new.pk).items.get().title == "更正后的标题"


def test_a_withdrawal_needs_a_reason_and_the_approver(world):
    closed(world)
    announcement = published(world)
    with pytest.raises(ActionRefused):
        services.withdraw_announcement(world["auditor"], announcement, "内容有误")
    with pytest.raises(ActionRefused):
        services.withdraw_announcement(world["auditlead"], announcement, "  ")
    services.withdraw_announcement(world["auditlead"], announcement, "内容有误，撤回")
    announcement.refresh_from_db()
    assert announcement.state == AnnouncementState.WITHDRAWN
    assert announcement.withdrawal_reason == "内容有误，撤回" and announcement.withdrawn_at is not None


@pytest.mark.parametrize("user", ["unit", "dept", "orgdept", "committee", "sysadmin", "auditor_b", "finance"])
def test_only_an_audit_office_or_a_unit_drafts(world, user):
    closed(world)
    if user == "unit":
        assert services.publisher_kind(world[user]) == Publisher.UNIT
        return
    with pytest.raises(ActionRefused) as refused:
        draft(world, user=user)
    if user != "auditor_b":
        assert refused.value.code == "forbidden"
    assert not Announcement.objects.exists()


def test_approval_is_the_audit_leaders_and_no_other_office_acts(world):
    closed(world)
    announcement = draft(world)
    services.submit_announcement(world["auditor"], announcement)
    for user in ("auditor", "auditor2", "unithead", "auditor_b", "sysadmin"):
        with pytest.raises(ActionRefused):
            services.approve_announcement(world[user], announcement)
    assert Announcement.objects.get(pk=announcement.pk).state == AnnouncementState.SUBMITTED
    for user in ("unit", "auditor_b", "dept"):
        with pytest.raises(ActionRefused) as refused:
            services.return_announcement(world[user], announcement, "退回")
        assert refused.value.code in {"not_found", "forbidden"}
    services.return_announcement(world["auditlead"], announcement, "请补充导语")
    assert Announcement.objects.get(pk=announcement.pk).state == AnnouncementState.DRAFT


def test_a_unit_announces_its_own_results_approved_by_its_head(world):
    mine = closed(world, title="第一中学自己的问题")
    closed(world, title="交通局的问题", unit=world.other_unit)
    announcement = services.draft_announcement(world["unit"], title="第一中学整改情况公告")
    assert announcement.kind == Publisher.UNIT
    assert list(announcement.items.values_list("finding_id", flat=True)) == [mine.pk]
    services.submit_announcement(world["unit"], announcement)
    with pytest.raises(ActionRefused):
        services.approve_announcement(world["unit"], announcement)
    with pytest.raises(ActionRefused):
        services.approve_announcement(world["auditlead"], announcement)
    services.approve_announcement(world["unithead"], announcement)
    services.publish_announcement(world["unit"], announcement)
    assert Announcement.objects.get(pk=announcement.pk).state == AnnouncementState.PUBLISHED
    with pytest.raises(ActionRefused):
        services.draft_announcement(world["unit"], title="通报", audience=Audience.LIMITED, recipients=[world.dept])


def test_a_stale_version_changes_nothing(world):
    closed(world)
    announcement = draft(world)
    seen = announcement.version
    services.update_announcement(world["auditor"], announcement, title="新标题", version=seen)
    with pytest.raises(ActionRefused) as refused:
        services.update_announcement(world["auditor2"], announcement, title="另一个标题", version=seen)
    assert refused.value.code == "stale"
    with pytest.raises(ActionRefused):
        services.submit_announcement(world["auditor"], announcement, version=seen)
    fresh = Announcement.objects.get(pk=announcement.pk)
    assert (fresh.title, fresh.state) == ("新标题", AnnouncementState.DRAFT)


def test_readings_are_recorded_once_for_recipients_only(world):
    closed(world, disclosure="limited")
    circulation = published(world, audience=Audience.LIMITED, recipients=[world.dept])
    assert services.record_reading(world["unit"], circulation) is None
    first = services.record_reading(world["dept"], circulation)
    again = services.record_reading(world["dept"], circulation)
    assert first is not None and again.pk == first.pk
    assert list(Reading.objects.values_list("reader__username", flat=True)) == ["dept"]


def test_every_step_is_in_the_security_log(world, django_capture_on_commit_callbacks):
    closed(world)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = published(world)
    events = set(SecurityEvent.objects.filter(object_id=str(announcement.pk)).values_list("detail__event", flat=True))
    assert {"portal.announcement_drafted", "portal.announcement_approved", "portal.announcement_published"} <= events
    assert announcement.history.count() >= 4


def test_a_unit_publication_is_independent_of_the_office(world):
    closed(world)
    announcement = unit_published(world)
    with pytest.raises(ActionRefused):
        services.withdraw_announcement(world["auditlead"], announcement, "不应由审计机关撤回")
    services.withdraw_announcement(world["unithead"], announcement, "单位撤回")
