def navigation(request):
    """Whether the header offers the supervised matters, the circulars and the congress matters: to
    everyone with a business role and an organization (each sees what its scope gives)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.supervision.scopes import BUSINESS_ROLES

    return {"nav_supervision": SimpleLazyObject(lambda: bool(user.role_codes & BUSINESS_ROLES))}
