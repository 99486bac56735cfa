from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.organizations.choices import OrganizationKind


class ReferenceKind(models.TextChoices):
    """Which use of the results (source 三(六)) a reference serves."""

    CADRE = "cadre", _("干部监督参考")
    BUDGET = "budget", _("预算安排参考")


class DeliveryState(models.TextChoices):
    SENT = "sent", _("已送达")
    ACKNOWLEDGED = "acknowledged", _("已签收")


# The kind of body each reference goes to: the organization department, the finance bureau.
RECIPIENT_KIND = {
    ReferenceKind.CADRE: OrganizationKind.ORGANIZATION_DEPARTMENT,
    ReferenceKind.BUDGET: OrganizationKind.FINANCE_BUREAU,
}
