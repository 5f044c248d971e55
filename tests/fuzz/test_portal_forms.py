"""No 500 on any input: every member-facing and staff form and query parameter, fuzzed.

Each page the URL resolver knows is opened as a user who may use it; the POST forms it renders
(and the GET filters, pagination and navigation links back to it) are driven with hostile
values from ``tests/fuzz/hostile.py`` by ``tests/fuzz/driver.py``. `make test` runs a small
budget; `make fuzz` the long profile.
"""

import pytest
from django.urls import reverse

from tests.fuzz.driver import STATS, Driver, describe, finish, row_counts, url_name_of
from tests.fuzz.html_forms import Form, parse
from tests.fuzz.routes import portal_routes
from tests.fuzz.world import build_world, user_for

pytestmark = pytest.mark.django_db

ROUTES = {route.name: route for route in portal_routes()}
PAGES = sorted(name for name, route in ROUTES.items() if route.allows_get)

# Query parameters a page reads that no link or form on the page itself shows: the exports take
# the hour list's filters (the list's export links carry them).
HOUR_FILTERS = ("activity", "person", "date_from", "date_to", "period", "locked")
EXTRA_PARAMETERS = {
    "activities:hour_export_csv": HOUR_FILTERS,
    "activities:hour_export_xlsx": HOUR_FILTERS,
    "activities:hour_create": ("activity", "date"),
    "members:competence_add": ("kind",),
    "billing:run_preview": ("year",),
}

# The query a page needs to show its form: the run preview shows the confirm form for a year.
PAGE_QUERY = {"billing:run_preview": lambda world: f"year={world.next_year}"}

# Routes opened only to check that a hostile query is not a 500, each with the reason.
NOT_OPENED = {
    "billing:invoice_pdf": "the stored PDF is rendered after commit, which a test never reaches",
    "billing:invoice_ehf": "the stored EHF is rendered after commit, which a test never reaches",
    "meetings:minutes_pdf": "the approved minutes exist once every officer approved them",
    "portal:staff_enrolment": "a button (no input) shown only when staff two-factor is required",
    "portal:staff_enrolment_link": "a button (no input) behind a one-time e-mailed link",
}

# POST answers that are a result page rather than a form re-rendered with its errors.
RESULT_PAGES: set[str] = set()

HOW_TO_ADD = (
    "Say how in tests/fuzz/world.py: the URL keyword in World.url_arguments, who opens the page "
    "in USER_FOR, and the rows its page needs in build_world, so that some page renders a "
    '<form method="post"> whose action is this route.'
)


def drives(form: Form, page_path: str) -> bool:
    """A page drives its own forms and the POST-only routes it links to with a form."""
    name = url_name_of(form.action)
    if name is None or name not in ROUTES:
        return False  # sign-out, the language switcher, allauth
    route = ROUTES[name]
    return form.action.split("?")[0] == page_path or not route.allows_get


def template_header(client, page) -> bytes | None:
    """The first line of the page's import template, so uploaded files can look real."""
    for link in page.links:
        if "template" in link and link.endswith((".csv", ".txt")):
            lines = client.get(link).content.splitlines()
            return lines[0] if lines else None
    return None


def open_page(world, name):
    route = ROUTES[name]
    arguments = world.url_arguments(name, route.keywords)
    assert arguments is not None, f"{name}: no value for {route.keywords}. {HOW_TO_ADD}"
    return Driver(
        path=reverse(name, kwargs=arguments),
        query=PAGE_QUERY.get(name, lambda world: "")(world),
        user=world.user(user_for(name)),
        label=name,
    )


def test_every_form_route_is_discovered():
    """Every route that takes a POST has a page whose HTML renders a form for it."""
    world = build_world()
    rendered = set()
    for name in PAGES:
        driver = open_page(world, name)
        response = driver.client().get(driver.url)
        finish(response)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in parse(response.content.decode(), path=driver.path).forms:
            if form.method == "post":
                rendered.add(url_name_of(form.action))
    undiscovered = sorted(
        name
        for name, route in ROUTES.items()
        if route.handles_post and name not in rendered and name not in NOT_OPENED
    )
    assert not undiscovered, f"No page renders a form for {undiscovered}. {HOW_TO_ADD}"


AREAS = sorted({name.split(":")[0] for name in PAGES})


@pytest.mark.parametrize("area", AREAS)
def test_hostile_input_never_gets_a_500(area):
    """Every page of ``area`` (a URL namespace), its forms and its query parameters."""
    world = build_world(meetings=area == "meetings")  # once for the area: examples roll back
    failures = []
    for name in PAGES:
        if name.split(":")[0] == area:
            failures += fuzz_page(world, name)
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def fuzz_page(world, name) -> list[str]:
    driver = open_page(world, name)
    STATS["routes"].add(name)
    client = driver.client()
    response = client.get(driver.url)
    finish(response)
    if name in NOT_OPENED or response.status_code in (301, 302):
        # A document, or a choice page that goes straight on: only a hostile query.
        driver.check(client.get(f"{driver.url}?q=%00&page=1e9999"), row_counts(), method="GET")
        return []
    if response.status_code != 200:
        return [f"{name}: GET {driver.url} is {response.status_code}. {HOW_TO_ADD}"]
    failures = []
    if "html" in response.get("Content-Type", ""):
        page = driver.page(client)
        header = template_header(client, page)
        for form in driver.post_forms(page, drive_action=lambda form: drives(form, driver.path)):
            try:
                driver.drive_form(
                    form, file_header=header, result_page=url_name_of(form.action) in RESULT_PAGES
                )
            except Exception as error:  # noqa: BLE001 -- every form's failure is reported
                failures.append(f"{name}: POST {form.action}: {describe(error)}")
        names = driver.query_parameters(page, extra=EXTRA_PARAMETERS.get(name, ()))
    else:
        names = sorted(EXTRA_PARAMETERS.get(name, ()))
    if ROUTES[name].is_list:
        names = sorted({*names, "page"})
    try:
        driver.drive_query(names)
    except Exception as error:  # noqa: BLE001
        failures.append(f"{name}: GET {driver.path}?…: {describe(error)}")
    return failures
