from django import forms
from django.core.exceptions import ValidationError

from portal.service_errors import add_service_error, message_text


class EmailForm(forms.Form):
    email = forms.EmailField()


def bound_form() -> EmailForm:
    form = EmailForm({"email": "kari@example.no"})
    assert form.is_valid()
    return form


def test_a_service_error_on_a_field_of_the_form_is_shown_at_that_field():
    form = bound_form()
    add_service_error(form, ValidationError({"email": "Taken.", "role": "Unknown role."}))
    assert form.errors["email"] == ["Taken."]
    # A field the form does not have: shown above the form, not lost.
    assert form.non_field_errors() == ["Unknown role."]


def test_a_service_error_without_a_field_is_shown_above_the_form():
    form = bound_form()
    add_service_error(form, ValidationError("Only a pending application can be approved."))
    assert form.non_field_errors() == ["Only a pending application can be approved."]


def test_message_text_joins_every_message_on_one_line():
    assert message_text(ValidationError(["First.", "Second."])) == "First. Second."
