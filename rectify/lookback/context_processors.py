def navigation(request):
    """Whether the header offers looking back (整改回头看): to the audit office's auditors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.accounts.scopes import is_audit_office_auditor

    return {"nav_lookback": SimpleLazyObject(lambda: is_audit_office_auditor(user))}
