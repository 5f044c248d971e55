"""Staff open the invoice run page, preview a year, confirm, and watch the job to the end.

Celery runs in process here (eager), so the job has run by the time the progress page opens;
the page must still show it finished, at 100 %, and the run page its outcome.
"""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, fee_schedule

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"
YEAR = 2026


@pytest.fixture
def billing_data():
    fee_schedule(YEAR, amount=Decimal("10000"))
    for n in range(3):
        organisation = OrganisationFactory(name=f"Deltaker {n} AS")
        MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
    return UserFactory(is_staff=True, email="sekretariat@batterynorway.no")


def test_staff_preview_confirm_and_watch_an_invoice_run_to_the_end(
    billing_data, smtp_server, open_browser, live_server, artifacts_dir
):
    staff = billing_data
    page = open_browser()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="login"]', staff.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()

    page.locator('header a[href="/staff/billing/runs/"]').click()
    expect(page).to_have_url(f"{live_server.url}/staff/billing/runs/")
    page.select_option('select[name="year"]', str(YEAR))
    page.locator('form[action$="/runs/preview/"] [type="submit"]').click()

    expect(page).to_have_url(re.compile(rf"/staff/billing/runs/preview/\?year={YEAR}$"))
    expect(page.get_by_test_id("billable-count")).to_have_text("3")
    for n in range(3):
        expect(page.locator("main")).to_contain_text(f"Deltaker {n} AS")
    page.screenshot(path=str(artifacts_dir / "invoice-run-preview.png"), full_page=True)

    page.locator('form[action$="/runs/confirm/"] [type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    progress = page.locator("progress#job-progress")
    expect(progress).to_have_attribute("value", "100")
    expect(page.locator('[data-job-status-url] [data-job-field="status_label"]')).not_to_be_empty()
    page.screenshot(path=str(artifacts_dir / "invoice-run-progress.png"), full_page=True)

    page.locator('header a[href="/staff/billing/runs/"]').click()
    outcome = page.locator(".run-outcome").first
    expect(outcome).to_contain_text("3")
    assert len(smtp_server.inbox.wait_for(3)) == 3
