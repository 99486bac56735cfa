from django.utils.functional import SimpleLazyObject


def navigation(request):
    """Which of the ledger's pages the header offers: the ledger and the projects to those who see
    ledger rows, the dashboard to those who see figures, the interviews to those they may concern.
    Asked only when a page shows the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from rectify.accounts.choices import AUDIT_ROLES, UNIT_ROLES, RoleCode
    from rectify.findings.scopes import SUMMARY_ROLES, sees_rows

    SHARING_ROLES = {"auditor", "audit_leader", "supervisor_officer"}  # 监督协作: who asks and who decides

    rows = SimpleLazyObject(lambda: sees_rows(user))
    return {
        "nav_sharing": SimpleLazyObject(lambda: bool(user.role_codes & SHARING_ROLES)),
        "nav_rows": rows,
        "nav_figures": SimpleLazyObject(lambda: bool(rows) or bool(user.role_codes & SUMMARY_ROLES)),
        # The interviews (rectify.interviews): the audit office, the units, their departments, the
        # organization department (each sees what the interviews' scope gives it).
        "nav_interviews": SimpleLazyObject(
            lambda: bool(
                user.role_codes & (AUDIT_ROLES | UNIT_ROLES | {RoleCode.DEPT_SUPERVISOR, RoleCode.ORG_OFFICER})
            )
        ),
    }
