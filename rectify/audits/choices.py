from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditType(models.TextChoices):
    BUDGET_EXECUTION = "budget_execution", _("预算执行审计")
    ECONOMIC_RESPONSIBILITY = "economic_responsibility", _("经济责任审计")
    NATURAL_RESOURCES = "natural_resources", _("自然资源资产审计")
    SPECIAL_FUND = "special_fund", _("专项资金审计")
    INVESTMENT = "investment", _("投资审计")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业审计")
    POLICY_FOLLOW_UP = "policy_follow_up", _("政策落实跟踪审计")
    INTERNAL_AUDIT = "internal_audit", _("内部审计")


# Audits of cadres: their rectification is reported to the organization department too (source 三(一)).
CADRE_AUDIT_TYPES = frozenset({AuditType.ECONOMIC_RESPONSIBILITY, AuditType.NATURAL_RESOURCES})
