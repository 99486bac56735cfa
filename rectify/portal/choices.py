from django.db import models
from django.utils.translation import gettext_lazy as _


class Publisher(models.TextChoices):
    """Who announces: the audit office (the rectification of its budget-execution audit findings) or an
    audited unit (its own rectification results)."""

    OFFICE = "office", _("审计机关公告")
    UNIT = "unit", _("被审计单位公告")


class Audience(models.TextChoices):
    """A public announcement (公告) on the portal, or a limited circulation (有限范围通报) to chosen
    organizations, for what is unfit for the public."""

    PUBLIC = "public", _("向社会公告")
    LIMITED = "limited", _("有限范围通报")


class AnnouncementState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已更正")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which an announcement is out (published, or kept as published: corrected or withdrawn).
RELEASED = (AnnouncementState.PUBLISHED, AnnouncementState.SUPERSEDED, AnnouncementState.WITHDRAWN)
# What the public portal and the public JSON show at all.
PUBLIC_STATES = RELEASED


class StepKind(models.TextChoices):
    DRAFTED = "drafted", _("起草")
    EDITED = "edited", _("修改")
    SUBMITTED = "submitted", _("报请审批")
    APPROVED = "approved", _("审批同意")
    RETURNED = "returned", _("退回修改")
    PUBLISHED = "published", _("发布")
    CORRECTED = "corrected", _("起草更正")
    SUPERSEDED = "superseded", _("被更正")
    WITHDRAWN = "withdrawn", _("撤回")
