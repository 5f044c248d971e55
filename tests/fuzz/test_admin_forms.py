"""No 500 on any input in the administration: the staff's add and change forms of every portal
model, the changelists' search, filters, sorting and pagination, and the admin tools."""

import pytest
from django.apps import apps
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.fuzz.driver import STATS, Driver, describe
from tests.fuzz.routes import admin_models, admin_tool_routes
from tests.fuzz.world import build_world

pytestmark = pytest.mark.django_db

PAGES = [(label, kind) for label in admin_models() for kind in ("add", "change", "changelist")]
PAGES += [(name, "tool") for name in admin_tool_routes()]

# Changelist parameters the page links to only once there are rows to filter: search and
# pagination ("q", "p") are always read.
CHANGELIST_PARAMETERS = ("q", "p", "o", "e", "_facets")


def admin_url(label: str, kind: str) -> str | None:
    if kind == "tool":
        return reverse(label)
    model = apps.get_model(label)
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{kind}"
    if kind != "change":
        return reverse(name)
    with scopes_disabled():
        first = model._base_manager.order_by("pk").first()
    assert first is not None, (
        f"{label} has no row, so its change form cannot be opened: add one in "
        "tests/fuzz/world.py (_rows_for_the_administration)."
    )
    return reverse(name, args=[first.pk])


APPS = sorted({label.split(".")[0] if kind != "tool" else "tools" for label, kind in PAGES})


@pytest.mark.parametrize("app", APPS)
def test_hostile_input_in_the_administration_never_gets_a_500(app):
    """Every admin page of the portal's ``app`` (or the admin tools): forms and query."""
    world = build_world(meetings=app == "meetings")  # once for the app: examples roll back
    failures = []
    for label, kind in PAGES:
        if (label.split(".")[0] if kind != "tool" else "tools") == app:
            failures += fuzz_admin_page(world, label, kind)
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def fuzz_admin_page(world, label, kind) -> list[str]:
    path = admin_url(label, kind)
    driver = Driver(path=path, user=world.staff, label=f"admin {label} {kind}")
    client = driver.client()
    response = client.get(path)
    if kind == "add" and response.status_code == 403:
        return []  # the model is added through a service elsewhere (invoices, confirmations)
    STATS["routes"].add((label, kind))
    page = driver.page(client)
    failures = []
    own = [form for form in page.forms if form.action.split("?")[0] == path]
    for form in driver.post_forms(page, drive_action=lambda form: form in own):
        try:
            # The changelist's action form answers with an action's own page (a confirmation).
            driver.drive_form(form, file_header=None, result_page=kind == "changelist")
        except Exception as error:  # noqa: BLE001 -- every form's failure is reported
            failures.append(f"POST {form.action}: {describe(error)}")
    if kind == "changelist":
        try:
            driver.drive_query(driver.query_parameters(page, extra=CHANGELIST_PARAMETERS))
        except Exception as error:  # noqa: BLE001
            failures.append(f"GET {path}?…: {describe(error)}")
    return failures
