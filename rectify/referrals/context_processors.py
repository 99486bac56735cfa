def navigation(request):
    """Whether the header offers the referrals: to the audit offices' auditors and to the bodies that
    receive referrals (discipline commission, organization department, competent departments)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.accounts.choices import RoleCode
    from rectify.accounts.scopes import is_audit_office_auditor

    receiving = {RoleCode.DISCIPLINE_OFFICER, RoleCode.ORG_OFFICER, RoleCode.DEPT_SUPERVISOR}
    return {
        "nav_referrals": SimpleLazyObject(lambda: is_audit_office_auditor(user) or bool(user.role_codes & receiving))
    }
