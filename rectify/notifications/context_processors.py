from django.utils.functional import SimpleLazyObject


def inbox(request):
    """The unread count in the header: one query, only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from rectify.notifications.services import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
