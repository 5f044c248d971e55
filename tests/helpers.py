"""Small helpers shared by view and admin tests."""

import re

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext


def logged_in(user) -> Client:
    """A browser signed in as ``user`` that asks for English pages."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def changelist(model) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")


def change_page(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def run_action(client, model, action, objects, **form):
    """Post an admin action for ``objects`` on the model's changelist."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **form}
    return client.post(changelist(model), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def submission_tokens(response) -> list[str]:
    """The one-time submission tokens of a page's forms, in page order."""
    return re.findall(r'name="submission_token" value="([^"]+)"', response.content.decode())


def in_norwegian(message: str) -> str:
    """``message`` as the Norwegian catalogue has it (itself until it is translated): for mail
    and documents, which are written in the recipient's or the document's language."""
    with translation.override("nb"):
        return gettext(message)
