"""The roles every installation has."""

from rectify.accounts.choices import RoleCode


def ensure_roles(role_model=None) -> None:
    if role_model is None:
        from rectify.accounts.models import Role

        role_model = Role
    for code in RoleCode.values:
        role_model.objects.get_or_create(code=code)
