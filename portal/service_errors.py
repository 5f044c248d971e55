"""Showing a service's ValidationError to the user: at a form's fields, or as a message."""

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_service_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError at the form's fields, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def message_text(error: ValidationError) -> str:
    """A service's ValidationError as one line for ``django.contrib.messages``."""
    return " ".join(error.messages)
