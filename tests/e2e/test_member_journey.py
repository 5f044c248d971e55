"""A member signs in, opens "my organisation" and switches the portal to English."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import active_organisation, member_of

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


def switch_language(page: Page, language: str) -> None:
    """Use the header's language switcher, whether it is a <select> or one button per language."""
    switcher = page.locator('header form[action$="/i18n/setlang/"]')
    expect(switcher).to_have_count(1)
    select = switcher.locator('select[name="language"]')
    if select.count():
        select.select_option(language)
        switcher.locator('button[type="submit"], input[type="submit"]').first.click()
    else:
        switcher.locator(f'button[name="language"][value="{language}"]').click()


def test_member_signs_in_opens_my_organisation_and_switches_to_english(
    open_browser, live_server, artifacts_dir
):
    organisation = active_organisation(name="Fjordcelle Batteri AS")
    member = member_of(organisation, email="kari@fjordcelle.no")
    my_organisation_url = f"{live_server.url}/organisations/{organisation.pk}/"
    page = open_browser()

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.fill('input[name="login"]', member.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    # The member area (/my/) sends someone with one organisation straight to it.
    expect(page).to_have_url(my_organisation_url)

    page.locator('header a[href="/directory/"]').click()
    expect(page).to_have_url(f"{live_server.url}/directory/")
    expect(page.locator("main")).to_contain_text(organisation.name)

    page.locator(f'header a[href="/organisations/{organisation.pk}/"]').click()
    expect(page).to_have_url(my_organisation_url)
    organisation_heading = page.get_by_role("heading", name=organisation.name).first
    expect(organisation_heading).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    switch_language(page, "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(my_organisation_url)
    expect(organisation_heading).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "member-journey.png"), full_page=True)
