def navigation(request) -> dict:
    """The account pages in the menu of the system and security administrators."""
    from rectify.accounts.views import managing

    user = getattr(request, "user", None)
    return {"nav_accounts": bool(user is not None and managing(user))}
