from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignState(models.TextChoices):
    """A special campaign (专项整治): open → in progress → concluded."""

    OPEN = "open", _("已启动")
    IN_PROGRESS = "in_progress", _("推进中")
    CONCLUDED = "concluded", _("已总结")


class CampaignStepKind(models.TextChoices):
    OPENED = "opened", _("启动专项整治")
    EDITED = "edited", _("修改")
    STARTED = "started", _("开始推进")
    PROGRESS = "progress", _("报送进展")
    CONCLUDED = "concluded", _("总结")
