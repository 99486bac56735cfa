def navigation(request):
    """Whether the header offers the references: the cadre reference to the organization department and
    the audit office, the budget reference to the finance bureau and the audit office."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {}
    from django.utils.functional import SimpleLazyObject

    from rectify.references.scopes import reads_budget_reference, reads_cadre_reference

    return {
        "nav_cadre_reference": SimpleLazyObject(lambda: reads_cadre_reference(user)),
        "nav_budget_reference": SimpleLazyObject(lambda: reads_budget_reference(user)),
    }
