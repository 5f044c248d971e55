"""One plain test per hostile class for the list pages' query parameters.

The property-based tests search; these name a regression: ``test_…[full-width digits]`` fails
when ``?page=%EF%BC%91%EF%BC%92`` is a 500 again. Values are written percent-encoded, as they
arrive.
"""

import pytest
from django.urls import reverse

from tests.fuzz.driver import Driver, row_counts
from tests.fuzz.routes import portal_routes
from tests.fuzz.world import build_world, user_for

pytestmark = pytest.mark.django_db

ROUTES = {route.name: route for route in portal_routes()}

HOSTILE = {
    "NUL byte": "%00",
    "exponent overflow": "1e9999",
    "exponent underflow": "1e-2000000",
    "signalling NaN": "sNaN",
    "negative": "-1",
    "superscript two": "%C2%B2",
    "full-width digits": "%EF%BC%91%EF%BC%92",
    "underscore separator": "1_0",
    "huge integer": "9" * 40,
    "first ISO week": "0001-W01",
    "last ISO week": "9999-W52",
    "week 99": "2026-W99",
    "first day": "0001-01-01",
    "last day": "9999-12-31",
    "30 February": "2026-02-30",
    "lone surrogate": "%ED%A0%80",
    "line break": "a%0D%0Ab",
    "line separator": "a%E2%80%A8b",
    "script": "%3Cscript%3Ealert(1)%3C/script%3E",
    "over-long": "x" * 3000,
    "empty": "",
}

# Every list or filter page's parameters (URL name -> parameters).
LIST_PARAMETERS = {
    "members:directory": ("q", "segment", "page"),
    "members:competence": ("area", "page"),
    "activities:list": ("status", "page"),
    "activities:hour_list": ("period", "date_from", "page"),
    "activities:hour_week": ("week", "person"),
    "activities:hour_create": ("date",),
    "activities:hour_export_csv": ("date_to",),
    "activities:staff_hours": ("year",),
    "billing:staff_invoices": ("year", "page"),
    "billing:run_preview": ("year",),
}
ADMIN_PARAMETERS = {
    "admin:activities_hourentry_changelist": ("period", "date__gte", "p"),
    "admin:activities_reportingperiod_changelist": ("locked_at__gte",),
}


def _pages(world):
    for name, parameters in LIST_PARAMETERS.items():
        kwargs = world.url_arguments(name, ROUTES[name].keywords)
        yield name, reverse(name, kwargs=kwargs), world.user(user_for(name)), parameters
    for name, parameters in ADMIN_PARAMETERS.items():
        yield name, reverse(name), world.staff, parameters


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_query_parameter_on_a_list_page_is_never_a_500(value):
    world = build_world(meetings=False)
    failures = []
    for name, path, user, parameters in _pages(world):
        driver = Driver(path=path, user=user, label=name)
        client = driver.client()
        for parameter in parameters:
            before = row_counts()
            try:
                driver.check(client.get(f"{path}?{parameter}={value}"), before, method="GET")
            except Exception as error:  # noqa: BLE001 -- every page's answer is reported
                failures.append(f"{name} ?{parameter}=: {type(error).__name__}: {error}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("back", ["0", "staff_invoices", "/x\r\ny", "//evil.example/", ""])
def test_resending_an_invoice_goes_back_to_a_page_of_the_portal_whatever_next_says(back):
    world = build_world(meetings=False)
    driver = Driver(path="", user=world.staff, label="resend")
    path = reverse("billing:invoice_resend", kwargs={"invoice_pk": world.invoice.pk})
    response = driver.client().post(path, {"request_number": "1", "next": back})
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith("//")


@pytest.mark.parametrize("selected", ["", "-inf", "9" * 40, "1e9999", "%00"])
def test_an_admin_action_on_ids_that_are_not_ids_says_select_items(selected):
    world = build_world(meetings=False)
    driver = Driver(path="", user=world.staff, label="admin action")
    changelist = reverse("admin:members_organisation_changelist")
    before = row_counts()
    response = driver.client().post(
        changelist,
        f"action=delete_selected&_selected_action={selected}&index=0",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    driver.check(response, before, method="POST")


@pytest.mark.parametrize("organisation", ["-inf", "9" * 400, "1e9999", "%00"])
def test_an_admin_form_with_an_id_that_is_not_an_id_shows_the_form_again(organisation):
    """The autocomplete widget looked the submitted id up to show it and crashed."""
    world = build_world(meetings=False)
    driver = Driver(path="", user=world.staff, label="admin competence")
    add = reverse("admin:members_competence_add")
    before = row_counts()
    response = driver.client().post(
        add,
        f"organisation={organisation}&kind=offer&area=1&text=Fuzz&_save=Save",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    driver.check(response, before, method="POST", result_page=False)


@pytest.mark.parametrize("token", ["%00", "x" * 5000, "%ED%A0%80", "a:b:c", "a%0D%0Ab", "1e9999"])
def test_a_hostile_submission_token_is_refused_without_writing(token):
    """The fuzz tests carry the one-time token over as rendered; here it is the hostile value."""
    world = build_world(meetings=False)
    path = reverse("activities:hour_create", kwargs={"pk": world.organisation.pk})
    driver = Driver(path=path, user=world.admin, label="hour create")
    body = (
        f"submission_token={token}&activity={world.activity.pk}&person={world.admin.pk}"
        f"&date={world.entry.date.isoformat()}&hours=1&description=Fuzz"
    )
    before = row_counts()
    response = driver.client().post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 403)
    driver.check(response, before, method="POST")
