"""With the Content-Security-Policy on, the pages load without a violation and their scripts run.

Chromium reports every refused script, style or connection on the console ("Refused to … because
it violates the following Content Security Policy directive"); the test fails on any of them.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from members.models import Role
from portal.models import Job, JobStatus
from tests.factories import (
    ActivityFactory,
    UserFactory,
    active_organisation,
    member_of,
    taking_part,
)

pytestmark = pytest.mark.e2e


def _session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


@pytest.fixture
def world(live_server):
    organisation = active_organisation(name="Fjordcelle Batteri AS")
    admin = member_of(organisation, Role.ADMIN, email="ola@fjordcelle.no")
    member_of(organisation, email="kari@fjordcelle.no")
    taking_part(organisation, ActivityFactory(title="Celleprosjekt"))
    staff = UserFactory(is_staff=True, is_superuser=True, email="sekretariat@batterynorway.no")
    job = Job.objects.create(kind="test", started_by=staff, status=JobStatus.RUNNING, total=4)
    return {
        "organisation": organisation,
        "admin": _session_cookie(admin, live_server),
        "staff": _session_cookie(staff, live_server),
        "job": job,
    }


def _watch_console(page) -> list[str]:
    violations: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return violations


def test_member_pages_and_the_week_grid_load_without_a_csp_violation(
    world, open_browser, live_server
):
    organisation = world["organisation"]
    page = open_browser()
    violations = _watch_console(page)
    page.context.add_cookies([world["admin"]])

    response = page.goto(f"{live_server.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto(f"{live_server.url}/organisations/{organisation.pk}/hours/week/")
    expect(page.locator(".week-grid")).to_be_visible()
    first_cell = page.locator(".week-grid input").first
    first_cell.fill("1,5")
    expect(first_cell).to_have_value("1,5")
    page.goto(f"{live_server.url}/organisations/{organisation.pk}/people/")
    # portal.js asks before a destructive POST; dismissing the question sends nothing.
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("form[data-confirm] button").first.click()
    expect(page).to_have_url(f"{live_server.url}/organisations/{organisation.pk}/people/")
    assert len(questions) == 1
    for account_page in ("email/", "password/change/", "2fa/"):  # allauth's own pages
        page.goto(f"{live_server.url}/accounts/{account_page}")
    page.goto(f"{live_server.url}/no-such-page/")

    assert violations == []


def test_staff_pages_admin_forms_and_job_polling_run_under_the_policy(
    world, open_browser, live_server
):
    organisation, job = world["organisation"], world["job"]
    page = open_browser()
    violations = _watch_console(page)
    page.context.add_cookies([world["staff"]])

    page.goto(f"{live_server.url}/staff/billing/runs/")
    expect(page.locator("main h1")).to_be_visible()
    for changelist in ("activities/hourentry/", "billing/invoice/", "portal/outboundemail/"):
        page.goto(f"{live_server.url}/admin/{changelist}")
        expect(page.locator("#changelist")).to_be_visible()
    page.goto(f"{live_server.url}/admin/members/organisation/{organisation.pk}/change/")
    expect(page.locator("#organisation_form")).to_be_visible()
    page.goto(f"{live_server.url}/admin/activities/hourentry/add/")
    expect(page.locator("#hourentry_form")).to_be_visible()
    # The calendar widget is admin's own JavaScript: it must still work.
    page.locator("#id_date").click()
    page.locator(".datetimeshortcuts a").first.click()
    expect(page.locator("#id_date")).to_have_value(re.compile(r"\S"))

    # The progress page polls its status with fetch(): connect-src must let it through.
    with page.expect_response(re.compile(rf"/jobs/{job.pk}/status\.json$")) as polled:
        page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert polled.value.status == 200
    assert polled.value.json()["finished"] is False

    assert violations == []
