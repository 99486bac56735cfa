def navigation(request):
    """Whether the header offers special campaigns and consultations: to those who run them (competent
    departments, the audit office) and to the audited units they concern."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.accounts.choices import UNIT_ROLES
    from rectify.campaigns.scopes import manages

    return {"nav_campaigns": SimpleLazyObject(lambda: manages(user) or bool(user.role_codes & UNIT_ROLES))}
