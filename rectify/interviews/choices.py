from django.db import models
from django.utils.translation import gettext_lazy as _


class Ground(models.TextChoices):
    """Why an interview is proposed (source 三(四))."""

    OVERDUE = "overdue", _("逾期未整改且无正当理由")
    NOT_RECTIFIED = "not_rectified", _("多次核实认定未整改")
    POORLY_RECTIFIED = "poorly_rectified", _("整改不力")
    REPEAT = "repeat", _("屡审屡犯")


class InterviewState(models.TextChoices):
    PROPOSED = "proposed", _("建议约谈")
    APPROVED = "approved", _("同意约谈")
    DISMISSED = "dismissed", _("不予约谈")
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已约谈")
    CLOSED = "closed", _("已办结")


# States the interviewed unit (and the other bodies) see: the proposal is the audit office's working paper.
DECIDED_STATES = (InterviewState.APPROVED, InterviewState.SCHEDULED, InterviewState.HELD, InterviewState.CLOSED)
OPEN_STATES = (InterviewState.PROPOSED, InterviewState.APPROVED, InterviewState.SCHEDULED, InterviewState.HELD)


class ItemState(models.TextChoices):
    OPEN = "open", _("整改中")
    REPORTED = "reported", _("已报送")
    VERIFIED = "verified", _("已核实")


RUNNING_ITEM_STATES = (ItemState.OPEN,)
