"""Small presentation helpers for the portal's templates."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from stdnum.no import orgnr

from portal.submission import TOKEN_FIELD, token_new

register = template.Library()


@register.filter
def organisation_number(value: str) -> str:
    """Nine digits grouped as the register shows them: 123 456 789."""
    return orgnr.format(value) if value else ""


@register.simple_tag(takes_context=True)
def form_token(context) -> str:
    """What every state-changing form carries: the CSRF token and a one-time submission token.

    See ``portal.submission``: a repeat of the same submission returns the first answer.
    """
    return CsrfTokenNode().render(context) + submission_token()


@register.simple_tag
def submission_token() -> str:
    """The submission token alone, for a form that renders ``{% csrf_token %}`` itself (admin)."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, token_new())
