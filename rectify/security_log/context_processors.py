def navigation(request) -> dict:
    from rectify.security_log.views import may_read_log

    user = getattr(request, "user", None)
    return {"nav_security_log": bool(user is not None and may_read_log(user))}
