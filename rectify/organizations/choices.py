from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")


class OrganizationKind(models.TextChoices):
    AUDIT_OFFICE = "audit_office", _("审计机关")
    AUDITED_UNIT = "audited_unit", _("被审计单位")
    COMPETENT_DEPARTMENT = "competent_department", _("主管部门")
    ORGANIZATION_DEPARTMENT = "organization_department", _("组织部门")
    DISCIPLINE_COMMISSION = "discipline_commission", _("纪委监委")
    COMMITTEE_OFFICE = "committee_office", _("审计委员会办公室")
    FINANCE_BUREAU = "finance_bureau", _("财政局")
    GOVERNMENT = "government", _("人民政府")
    PEOPLES_CONGRESS = "peoples_congress", _("人大常委会")
    OTHER_SUPERVISOR = "other_supervisor", _("其他监督部门")
