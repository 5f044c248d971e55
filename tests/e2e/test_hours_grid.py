"""A member signs in and logs last week's hours in the weekly grid, with the keyboard."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ActivityFactory, active_organisation, member_of, taking_part

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


def test_member_logs_a_week_in_the_grid(open_browser, live_server, artifacts_dir):
    organisation = active_organisation(name="Fjordcelle Batteri AS")
    member = member_of(organisation, email="kari@fjordcelle.no", full_name="Kari Nordmann")
    project = taking_part(organisation, ActivityFactory(title="Celleprosjekt")).activity
    taking_part(organisation, ActivityFactory(title="Sikkerhetsverksted"))
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    hours_url = f"{live_server.url}/organisations/{organisation.pk}/hours/"

    def cell(day):
        return page.locator(f'input[name="hours-{project.pk}-{day.isoformat()}"]')

    page = open_browser()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="login"]', member.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    expect(page).to_have_url(f"{live_server.url}/organisations/{organisation.pk}/")

    page.locator(f'header a[href="/organisations/{organisation.pk}/hours/"]').click()
    expect(page).to_have_url(hours_url)
    page.locator(f'nav a[href="/organisations/{organisation.pk}/hours/week/"]').click()
    page.locator('a[rel="prev"]').click()
    expect(page.locator(".week-grid")).to_be_visible()
    expect(page.locator(".week-grid tbody th")).to_have_text(
        ["Celleprosjekt", "Sikkerhetsverksted"]
    )

    # Monday to Friday by keyboard: type, Tab to the next day.
    cell(days[0]).focus()
    for _day in days[:5]:
        page.keyboard.type("7,5")
        page.keyboard.press("Tab")
    cell(days[4]).press("Enter")

    expect(page.locator(".message--success")).to_be_visible()
    for day in days[:5]:
        expect(cell(day)).to_have_value("7,5")
    expect(cell(days[5])).to_have_value("")
    row_total = page.locator(f"tr:has(#activity-{project.pk}) td.total")
    expect(row_total).to_have_text("37,50")
    page.screenshot(path=str(artifacts_dir / "hours-grid.png"), full_page=True)

    # A bad cell: nothing of the week is saved, and the cell says why.
    cell(days[0]).fill("8")
    cell(days[5]).fill("1,1")
    cell(days[5]).press("Enter")
    errors = page.locator("#grid-errors")
    expect(errors).to_be_visible()
    expect(errors).to_have_attribute("role", "alert")
    expect(cell(days[5])).to_have_attribute("aria-invalid", "true")
    page.goto(page.url)  # a fresh GET of the week, not the POST again
    expect(cell(days[0])).to_have_value("7,5")
    expect(cell(days[5])).to_have_value("")
