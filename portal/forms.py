"""Form base classes and strict fields shared by every app's forms and the admin.

Every field of a ``PortalForm``/``PortalModelForm`` is hardened when the form is built
(``harden_field``): numbers are read by ``portal.parsing`` (ASCII digits, no exponent, finite,
fitting the column), dates lie in the calendar the portal keeps, and one-line text refuses
control characters. Every admin form gets the same through ``portal.admin_fields``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.constraints import BaseConstraint
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from portal import parsing

INT_MIN, INT_MAX = -2_147_483_648, 2_147_483_647  # PostgreSQL integer


class StrictDecimalField(forms.DecimalField):
    """A DecimalField that reads its input with ``portal.parsing.parse_decimal``.

    A decimal comma is accepted where the active language writes one (or the field is
    localised); a minus only when the field's ``min_value`` allows negative numbers.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        comma = self.localize or formats.get_format("DECIMAL_SEPARATOR") == ","
        return parsing.parse_decimal(
            value,
            max_digits=self.max_digits,
            decimal_places=self.decimal_places,
            signed=self.min_value is None or self.min_value < 0,
            comma=comma,
        )


class StrictIntegerField(forms.IntegerField):
    """An IntegerField that reads ASCII digits only (no ``²``, full-width digits or ``1_0``)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parsing.parse_integer(
            value,
            signed=self.min_value is None or self.min_value < 0,
            min_value=INT_MIN if self.min_value is None else None,
            max_value=INT_MAX if self.max_value is None else None,
        )


def harden_field(field: forms.Field) -> forms.Field:
    """Make ``field`` parse and check input the portal's way; returns the same field.

    Number fields become their strict subclass in place (they keep every argument they were
    built with); date fields get the calendar bounds; text fields refuse control characters,
    except line breaks and tabs in a Textarea.
    """
    # Only the plain classes: a subclass may parse on purpose in its own way.
    if type(field) is forms.DecimalField:
        field.__class__ = StrictDecimalField
    elif type(field) is forms.IntegerField:
        field.__class__ = StrictIntegerField
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
        _add_validator(field, parsing.check_date_range)
    if isinstance(field, forms.CharField):
        multiline = isinstance(field.widget, forms.Textarea)
        _add_validator(
            field, parsing.validate_multiline if multiline else parsing.validate_one_line
        )
    return field


def _add_validator(field: forms.Field, validator) -> None:
    if validator not in field.validators:
        field.validators.append(validator)


class HardenedFieldsMixin:
    """Harden every field of the form instance (``self.fields`` is the instance's own copy).

    A model form also never shows a database constraint's name: a constraint without its own
    ``violation_error_message`` ("Constraint “rate_positive” is violated.") gets a plain one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            harden_field(field)

    def add_error(self, field, error):
        model = getattr(getattr(self, "_meta", None), "model", None)
        if model is not None and isinstance(error, ValidationError):
            error = _without_constraint_names(error, _raw_constraint_messages(model))
        super().add_error(field, error)


def _raw_constraint_messages(model) -> set[str]:
    default = str(BaseConstraint.default_violation_error_message)
    return {
        default % {"name": constraint.name}
        for constraint in model._meta.constraints
        if constraint.violation_error_message == constraint.default_violation_error_message
    }


def _without_constraint_names(error: ValidationError, raw: set[str]) -> ValidationError:
    if not raw:
        return error
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                name: [_without_constraint_names(item, raw) for item in items]
                for name, items in error.error_dict.items()
            }
        )
    if hasattr(error, "message"):
        if str(error.message) in raw:
            return ValidationError(
                _("These values are not allowed together. Check them and try again."),
                code="constraint",
            )
        return error
    return ValidationError([_without_constraint_names(item, raw) for item in error.error_list])


class PortalForm(HardenedFieldsMixin, forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"


class PortalModelForm(HardenedFieldsMixin, forms.ModelForm):
    required_css_class = "required"
    error_css_class = "has-error"


def portal_formfield(model_field, **kwargs):
    """Model fields' form fields; addresses typed without a scheme become https://."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)
