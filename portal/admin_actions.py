"""Admin actions that ask for input on an intermediate page, then call one service per object."""

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template.response import TemplateResponse


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def apply_to_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable,
    perform: Callable[[object], str],
) -> None:
    """Call ``perform`` for each object; its message or its ValidationError becomes a message.

    Each call is the service's own transaction, so a refusal leaves that object untouched.
    """
    for obj in objects:
        try:
            message = perform(obj)
        except ValidationError as error:
            modeladmin.message_user(request, f"{obj}: {error_text(error)}", messages.ERROR)
        else:
            modeladmin.message_user(request, message, messages.SUCCESS)


def _chosen_action(request: HttpRequest) -> str:
    # The changelist posts one "action" per action bar and says which bar with "index".
    names = request.POST.getlist("action")
    return names[int(request.POST.get("index", 0))] if len(names) > 1 else names[0]


def form_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset,
    *,
    form_class: type[forms.Form],
    title: str,
    submit_label: str,
    perform: Callable[[object, dict], str],
    objects: Iterable | None = None,
    intro: str = "",
):
    """Show ``form_class`` for the selected rows; once it is valid, ``perform`` each object.

    ``objects`` (default: the selected rows) is what ``perform`` runs on, e.g. the distinct
    organisations of the selected membership periods.
    """
    if request.POST.get("apply"):
        form = form_class(request.POST)
        if form.is_valid():
            apply_to_each(
                modeladmin,
                request,
                queryset if objects is None else objects,
                lambda obj: perform(obj, form.cleaned_data),
            )
            return None
    else:
        form = form_class()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action": _chosen_action(request),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/action_form.html", context)
