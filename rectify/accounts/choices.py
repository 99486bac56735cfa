from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    AUDITOR = "auditor", _("审计人员")
    AUDIT_LEADER = "audit_leader", _("审计机关领导")
    UNIT_CONTACT = "unit_contact", _("整改联络员")
    UNIT_HEAD = "unit_head", _("单位主要负责人")
    DEPT_SUPERVISOR = "dept_supervisor", _("主管部门监管人员")
    ORG_OFFICER = "org_officer", _("组织部门人员")
    DISCIPLINE_OFFICER = "discipline_officer", _("纪检监察人员")
    COMMITTEE_OFFICER = "committee_officer", _("审计委员会办公室人员")
    GOVERNMENT_OFFICER = "government_officer", _("政府人员")
    FINANCE_OFFICER = "finance_officer", _("财政部门人员")
    CONGRESS_OFFICER = "congress_officer", _("人大人员")
    SUPERVISOR_OFFICER = "supervisor_officer", _("监督协作人员")
    INTERNAL_AUDITOR = "internal_auditor", _("内审人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    LOG_AUDITOR = "log_auditor", _("安全审计员")


AUDIT_ROLES = frozenset({RoleCode.AUDITOR, RoleCode.AUDIT_LEADER})
# Who audits: the audit office's auditors, and a unit's internal auditors on its own internal audits
# (source 四(三)); which findings each may act on is decided by the scopes, not by this set.
AUDITING_ROLES = AUDIT_ROLES | {RoleCode.INTERNAL_AUDITOR}
UNIT_ROLES = frozenset({RoleCode.UNIT_CONTACT, RoleCode.UNIT_HEAD})
ADMIN_ROLES = frozenset({RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.LOG_AUDITOR})
# Every role but the three administrators, who see no business data.
BUSINESS_ROLES = frozenset(RoleCode.values) - ADMIN_ROLES
