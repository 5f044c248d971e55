"""Every admin form is hardened like the portal's own forms.

The administration builds its forms in three methods: ``ModelAdmin.get_form`` (add and change
pages), ``ModelAdmin.get_changelist_form`` (list_editable) and ``InlineModelAdmin.get_formset``
(inlines). ``install()`` wraps those three once, so the form class each returns (for every
registered model, the third-party ones included, with the fields they declare themselves) also
inherits ``portal.forms.HardenedFieldsMixin``: strict numbers, dates in the kept calendar, no
control characters in one-line text. The forms of intermediate action pages inherit
``PortalForm`` directly.

Three places of the administration read request values outside a form, and ``install()``
hardens them too (each was a 500 the fuzz tests found): the autocomplete widget that looks a
submitted id up to show it again, the ids an action runs on (``_selected_action``), and the
bounds of a date filter in the changelist's query string.
"""

import datetime
import functools

from django.contrib import messages
from django.contrib.admin.filters import DateFieldListFilter
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters, InlineModelAdmin, ModelAdmin
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.forms import HardenedFieldsMixin
from portal.parsing import DATE_MAX, DATE_MIN


def hardened(form_class):
    """``form_class`` with ``HardenedFieldsMixin`` in front (the same class if it has it)."""
    if issubclass(form_class, HardenedFieldsMixin):
        return form_class
    return type(
        form_class.__name__,
        (HardenedFieldsMixin, form_class),
        {"__module__": form_class.__module__},
    )


def _returning_hardened_form(method):
    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        return hardened(method(self, request, *args, **kwargs))

    wrapper.hardened = True
    return wrapper


def _returning_hardened_formset(method):
    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        formset = method(self, request, *args, **kwargs)
        formset.form = hardened(formset.form)  # a class made for this call
        return formset

    wrapper.hardened = True
    return wrapper


def _fits(field, value) -> bool:
    """Whether ``value`` (submitted text) can be looked up in the model ``field`` at all."""
    try:
        python = field.to_python(value)
    except ValidationError:
        return False
    if python is None:
        return False  # an empty value is no id
    if isinstance(python, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or python >= low) and (high is None or python <= high)
    return True


def _looking_up_valid_ids_only(optgroups):
    """The autocomplete widget looks the submitted ids up to show them again; an id the column
    cannot hold (``-inf``, a 400-digit number) crashed the re-rendered form with a 500. The
    field has already said the choice is invalid, so such a value is simply not shown."""

    @functools.wraps(optgroups)
    def wrapper(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        return optgroups(self, name, [one for one in value if _fits(target, one)], attr)

    wrapper.hardened = True
    return wrapper


def _refusing_malformed_selection(response_action):
    """An action on ``_selected_action=`` values that are not ids (an empty string, ``-inf``)
    was a 500 in the query; it gets Django's own "select items" message instead."""

    @functools.wraps(response_action)
    def wrapper(self, request, queryset):
        pk = queryset.model._meta.pk
        if not all(_fits(pk, one) for one in request.POST.getlist(ACTION_CHECKBOX_NAME)):
            self.message_user(
                request,
                _(
                    "Items must be selected in order to perform actions on them. No items have "
                    "been changed."
                ),
                messages.WARNING,
            )
            return None  # the changelist is shown again
        return response_action(self, request, queryset)

    wrapper.hardened = True
    return wrapper


def _refusing_dates_out_of_range(queryset_method):
    """A date filter's bounds (``?locked_at__gte=0001-01-01``) come from the query string: a
    date outside the kept calendar, or a time without a zone, is refused as an invalid filter
    (the changelist says so) instead of overflowing in the database."""

    @functools.wraps(queryset_method)
    def wrapper(self, request, queryset):
        for name, values in self.used_parameters.items():
            if name.endswith("__isnull"):
                continue
            for value in values if isinstance(values, list) else [values]:
                try:
                    parsed = self.field.to_python(value)
                except ValidationError as error:
                    raise IncorrectLookupParameters(error) from error
                if isinstance(parsed, datetime.datetime):
                    if timezone.is_naive(parsed):
                        raise IncorrectLookupParameters(name)
                    parsed = parsed.date()
                if parsed is not None and not DATE_MIN <= parsed <= DATE_MAX:
                    raise IncorrectLookupParameters(name)
        return queryset_method(self, request, queryset)

    wrapper.hardened = True
    return wrapper


def install() -> None:
    if getattr(ModelAdmin.get_form, "hardened", False):
        return
    AutocompleteMixin.optgroups = _looking_up_valid_ids_only(AutocompleteMixin.optgroups)
    ModelAdmin.response_action = _refusing_malformed_selection(ModelAdmin.response_action)
    DateFieldListFilter.queryset = _refusing_dates_out_of_range(DateFieldListFilter.queryset)
    ModelAdmin.get_form = _returning_hardened_form(ModelAdmin.get_form)
    ModelAdmin.get_changelist_form = _returning_hardened_form(ModelAdmin.get_changelist_form)
    InlineModelAdmin.get_formset = _returning_hardened_formset(InlineModelAdmin.get_formset)
