def navigation(request):
    """Whether the header offers the summary reports: to everyone with a business role and an
    organization (each sees what its scope gives: its own reports and those sent to it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.summaries.scopes import BUSINESS_ROLES

    return {"nav_summaries": SimpleLazyObject(lambda: bool(user.role_codes & BUSINESS_ROLES))}
