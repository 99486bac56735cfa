from django import template

from rectify.exchange.services import can_import

register = template.Library()


@register.filter
def may_import_ledger(user) -> bool:
    """Whether the ledger page should offer the import (the view still decides)."""
    return can_import(user)
