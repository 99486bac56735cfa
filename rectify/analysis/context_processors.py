def navigation(request):
    """Whether the header offers the analysis page (大数据分析)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.analysis.figures import may_see_analysis

    return {"nav_analysis": SimpleLazyObject(lambda: may_see_analysis(user))}
