from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已否定")


class ClusterScope(models.TextChoices):
    DISTRICT = "district", _("全辖区")
    DEPARTMENT = "department", _("主管部门")
