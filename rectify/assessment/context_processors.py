def navigation(request):
    """Whether the header offers the performance assessment: to those who may see some of it (the audit
    office, the committee office and the government, the units and their competent departments)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.accounts.choices import UNIT_ROLES, RoleCode
    from rectify.accounts.scopes import is_audit_office_auditor
    from rectify.assessment.scopes import RESULT_READERS

    readers = RESULT_READERS | UNIT_ROLES | {RoleCode.DEPT_SUPERVISOR}
    return {
        "nav_assessment": SimpleLazyObject(lambda: is_audit_office_auditor(user) or bool(user.role_codes & readers))
    }
