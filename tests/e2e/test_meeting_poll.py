"""A poll in the room, in three browsers: the secretariat opens it in the control room, a
representative (on a phone) checks in and votes, and an observer's live page shows the turnout
and then the result appear without being reloaded.

Asserts read the pages' test ids and numbers, not their words, so they hold in either language.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from meetings.services.polls import poll_create
from tests.factories import AgendaItemFactory, UserFactory
from tests.meetings.poll_pages import member_observer, member_voter
from tests.meetings.voting import open_meeting

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def poll_button(page: Page, poll: int, action: str):
    form = (
        f'form:has(input[name="poll"][value="{poll}"]):has(input[name="action"][value="{action}"])'
    )
    return page.locator(f'{form} button[type="submit"]')


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def room():
    meeting = open_meeting()
    alpha = member_voter(meeting, "Fjordcelle Batteri AS", checked_in=False)
    member_voter(meeting, "Nordlys Energi AS")  # checked in, does not vote here
    _supplier, observer = member_observer(meeting, "Leverandør Kjemi AS")
    item = AgendaItemFactory(meeting=meeting, position=4, title="Budsjett 2027")
    poll = poll_create(item=item, secret=True)
    staff = UserFactory(is_staff=True, email="sekretariat@batterynorway.no")
    return {
        "year": meeting.year,
        "poll": poll.pk,
        "organisation": alpha.organisation.pk,
        "representative": alpha.user.email,
        "observer": observer.email,
        "staff": staff.email,
    }


def test_staff_open_a_poll_a_representative_votes_and_the_observer_sees_the_result_live(
    room, open_browser, live_server, artifacts_dir
):
    base = live_server.url
    year = room["year"]
    page_errors: list[str] = []
    staff_page = open_browser()
    browser = staff_page.context.browser

    def new_page(**options) -> Page:
        context = browser.new_context(locale="nb-NO", **options)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        return page

    observer_page = new_page(viewport={"width": 1280, "height": 900})
    representative_page = new_page(**PHONE)

    # The secretariat opens the poll in the control room.
    sign_in(staff_page, base, room["staff"])
    staff_page.goto(f"{base}/meetings/{year}/room/")
    poll_button(staff_page, room["poll"], "open").click()
    expect(staff_page.locator('[data-testid="item-4"]')).to_contain_text("0")
    expect(staff_page.locator(".message--success")).to_be_visible()

    # The observer watches the live page; a mark on the window shows it is never reloaded.
    sign_in(observer_page, base, room["observer"])
    observer_page.goto(f"{base}/meetings/{year}/polls/")
    expect(observer_page.get_by_test_id("turnout")).to_have_text(re.compile(r"^0\D+1\D"))
    expect(observer_page.locator('[data-testid^="ballot-"]')).to_have_count(0)
    observer_page.evaluate("window.__notReloaded = true")

    # The representative checks in on a phone; the observer's turnout follows (0 of 2).
    sign_in(representative_page, base, room["representative"])
    representative_page.goto(f"{base}/meetings/{year}/check-in/")
    representative_page.locator('form[action$="/check-in/"] button[type="submit"]').click()
    expect(representative_page.locator(".message--success")).to_be_visible()
    expect(observer_page.get_by_test_id("turnout")).to_have_text(re.compile(r"^0\D+2\D"))

    representative_page.goto(f"{base}/meetings/{year}/polls/")
    ballot = representative_page.get_by_test_id(f"ballot-{room['organisation']}")
    expect(ballot).to_be_visible()
    ballot.locator(f'input[name="org{room["organisation"]}-choice"][value="yes"]').check()
    representative_page.screenshot(
        path=str(artifacts_dir / "meeting-poll-ballot-phone.png"), full_page=True
    )
    ballot.locator('button[type="submit"]').click()
    code = representative_page.get_by_test_id("receipt-code")
    expect(code).to_have_text(re.compile(r"^\S{20,}$"))
    receipt = code.inner_text()
    representative_page.screenshot(
        path=str(artifacts_dir / "meeting-poll-receipt-phone.png"), full_page=True
    )

    # Turnout only while open, updated in place.
    expect(observer_page.get_by_test_id("turnout")).to_have_text(re.compile(r"^1\D+2\D"))
    expect(observer_page.get_by_test_id("result")).to_be_hidden()
    observer_page.screenshot(path=str(artifacts_dir / "meeting-poll-open.png"), full_page=True)

    # The secretariat closes the poll: the result appears on the observer's page.
    staff_page.reload()
    poll_button(staff_page, room["poll"], "close").click()
    expect(staff_page.locator('[data-testid="item-4"]')).to_contain_text("1")
    staff_page.screenshot(path=str(artifacts_dir / "meeting-staff-room.png"), full_page=True)

    result = observer_page.get_by_test_id("result")
    expect(result).to_be_visible()
    expect(observer_page.get_by_test_id("result-sentence")).to_contain_text("1")
    expect(observer_page.get_by_test_id("turnout")).to_be_hidden()
    expect(result.locator("tbody tr").first).to_contain_text("1")
    receipts_link = result.locator('a[data-live-field="receipts"]')
    expect(receipts_link).to_be_visible()
    assert observer_page.evaluate("window.__notReloaded") is True
    observer_page.screenshot(path=str(artifacts_dir / "meeting-poll-result.png"), full_page=True)

    # The voter finds the receipt in the published list.
    receipts_link.click()
    observer_page.fill('input[name="code"]', receipt)
    observer_page.locator('form:has(input[name="code"]) button[type="submit"]').click()
    expect(observer_page.get_by_test_id("receipt-found")).to_be_visible()

    # The projector shows the result in large type, on a phone too.
    projector = new_page(viewport={"width": 1920, "height": 1080})
    sign_in(projector, base, room["observer"])
    projector.goto(f"{base}/meetings/{year}/projector/")
    expect(projector.get_by_test_id("result-sentence")).to_be_visible()
    projector.screenshot(path=str(artifacts_dir / "meeting-projector.png"))
    representative_page.goto(f"{base}/meetings/{year}/polls/")
    expect(representative_page.get_by_test_id("result")).to_be_visible()
    representative_page.screenshot(
        path=str(artifacts_dir / "meeting-poll-result-phone.png"), full_page=True
    )
    assert not page_errors, f"JavaScript errors in the pages: {page_errors}"
