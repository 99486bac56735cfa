from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleCode(models.TextChoices):
    """What a rule measures (source 三(六)): three ratios scaled to their points, three deductions."""

    RECTIFICATION_RATE = "rectification_rate", _("整改率")
    ON_TIME_REPORTING = "on_time_reporting", _("按期报送")
    AMOUNT_RECTIFIED = "amount_rectified", _("整改金额")
    REPEAT_FINDINGS = "repeat_findings", _("屡审屡犯扣分")
    INTERVIEWS = "interviews", _("约谈扣分")
    REFERRALS = "referrals", _("提请追责扣分")


class RuleKind(models.TextChoices):
    RATIO = "ratio", _("比例计分")
    DEDUCTION = "deduction", _("按次扣分")


RULE_KINDS = {
    RuleCode.RECTIFICATION_RATE: RuleKind.RATIO,
    RuleCode.ON_TIME_REPORTING: RuleKind.RATIO,
    RuleCode.AMOUNT_RECTIFIED: RuleKind.RATIO,
    RuleCode.REPEAT_FINDINGS: RuleKind.DEDUCTION,
    RuleCode.INTERVIEWS: RuleKind.DEDUCTION,
    RuleCode.REFERRALS: RuleKind.DEDUCTION,
}


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    FROZEN = "frozen", _("已定稿")


class ComputationStatus(models.TextChoices):
    NONE = "", _("未计算")
    PENDING = "pending", _("计算中")
    DONE = "done", _("已计算")
    FAILED = "failed", _("计算失败")


class AssessmentState(models.TextChoices):
    COMPUTED = "computed", _("已计算")
    REVIEWED = "reviewed", _("已审核")
    CONFIRMED = "confirmed", _("已确认")


# The states a unit, its competent department see (after the audit leader's review) and the states the
# committee office and the government see (the confirmed results).
REVIEWED_STATES = (AssessmentState.REVIEWED, AssessmentState.CONFIRMED)
RESULT_STATES = (AssessmentState.CONFIRMED,)


class FactType(models.TextChoices):
    """The kinds of record a point is traced to."""

    FINDING = "finding", _("问题")
    OBLIGATION = "obligation", _("报送事项")
    INTERVIEW = "interview", _("约谈")
    REFERRAL = "referral", _("提请追责")


# The groups of facts a line stores (key → the kind of record and how the page names the group).
FACT_GROUPS = {
    "due": (FactType.FINDING, _("应完成整改的问题")),
    "closed": (FactType.FINDING, _("已销号的问题")),
    "open_due": (FactType.FINDING, _("到期未销号的问题")),
    "obligations_on_time": (FactType.OBLIGATION, _("按期报送的报送事项")),
    "obligations_late": (FactType.OBLIGATION, _("逾期报送或逾期未报的报送事项")),
    "amount_findings": (FactType.FINDING, _("涉及金额的问题")),
    "verified_findings": (FactType.FINDING, _("认定了整改金额的问题")),
    "repeats": (FactType.FINDING, _("屡审屡犯的问题")),
    "interviews": (FactType.INTERVIEW, _("约谈")),
    "referrals": (FactType.REFERRAL, _("提请追责")),
}
