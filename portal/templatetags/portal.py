"""Small presentation helpers for the portal's templates."""

from django import template
from stdnum.no import orgnr

register = template.Library()


@register.filter
def organisation_number(value: str) -> str:
    """Nine digits grouped as the register shows them: 123 456 789."""
    return orgnr.format(value) if value else ""
