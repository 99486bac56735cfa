"""Announcements made through the services, for the tests."""

from __future__ import annotations

from rectify.portal import services
from rectify.testing import make_finding


def closed(world, title: str = "往来款长期挂账未清理", **overrides):
    """A finding verified as rectified and closed (of the budget-execution project, public by default)."""
    return make_finding(world, "closed", title=title, **overrides)


def draft(world, user="auditor", **kwargs):
    kwargs.setdefault("title", "2025年度预算执行审计查出问题整改情况公告")
    kwargs.setdefault("introduction", "根据审计整改工作要求，现将有关问题整改情况公告如下。")
    return services.draft_announcement(world[user], **kwargs)


def approved(world, announcement=None, **kwargs):
    announcement = announcement or draft(world, **kwargs)
    services.submit_announcement(world["auditor"], announcement)
    return services.approve_announcement(world["auditlead"], announcement)


def published(world, announcement=None, **kwargs):
    announcement = approved(world, announcement, **kwargs)
    return services.publish_announcement(world["auditor"], announcement)


def unit_published(world, **kwargs):
    kwargs.setdefault("title", "甲区第一中学关于审计查出问题整改情况的公告")
    announcement = services.draft_announcement(world["unit"], **kwargs)
    services.submit_announcement(world["unit"], announcement)
    services.approve_announcement(world["unithead"], announcement)
    return services.publish_announcement(world["unit"], announcement)
