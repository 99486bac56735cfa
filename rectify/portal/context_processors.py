def navigation(request):
    """Whether the header offers the announcements: to those who draft them (the audit office's auditors and
    leaders, the audited units' contacts and heads). Asks nothing of the database; the recipients of a
    circulation find it on their workbench."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.portal import services

    return {"nav_portal": SimpleLazyObject(lambda: services.publisher_kind(user) is not None)}
