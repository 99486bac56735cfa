"""Reference data every installation starts with: the category taxonomy and the deadline rules."""

from rectify.findings.data.categories import CATEGORIES, DEADLINE_DAYS


def ensure_reference_data(category_model=None, rule_model=None) -> None:
    """Creates what is missing; leaves what an administrator changed alone. Used by the migration too."""
    if category_model is None or rule_model is None:
        from rectify.findings.models import Category, DeadlineRule

        category_model, rule_model = Category, DeadlineRule
    for code, name, fiscal, children in CATEGORIES:
        parent, _ = category_model.objects.get_or_create(
            code=code, defaults={"name": name, "involves_fiscal_funds": fiscal}
        )
        for child_code, child_name in children:
            category_model.objects.get_or_create(
                code=child_code, defaults={"name": child_name, "parent": parent, "involves_fiscal_funds": fiscal}
            )
    for kind, (days, interval) in DEADLINE_DAYS.items():
        rule_model.objects.get_or_create(kind=kind, defaults={"days": days, "reporting_interval_days": interval})
