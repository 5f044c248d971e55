"""Ten identical POSTs at once, as the tester sent them: one row, ten identical answers.

Each thread is a browser of its own (a test client with the same session cookie) on its own
database connection; a barrier releases all ten requests together. The first to claim the
submission token runs the view; the others wait for its redirect and give the same one.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from activities.models import HourEntry
from billing.models import Invoice, Payment
from members import services
from members.models import Invitation, Role
from portal.models import SubmissionClaim
from tests.billing.invoicing import issue_invoice
from tests.factories import (
    ActivityFactory,
    UserFactory,
    active_organisation,
    member_of,
    taking_part,
)
from tests.helpers import changelist, logged_in, submission_tokens

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

TIMES = 10
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
MONDAY = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
WEEK = "{}-W{:02d}".format(*MONDAY.isocalendar()[:2])


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need PostgreSQL: set DATABASE_URL")


def post_at_once(browser: Client, url: str, data: dict) -> list:
    """POST ``data`` to ``url`` from ``TIMES`` threads at the same moment; their responses."""
    barrier = threading.Barrier(TIMES)
    responses, errors = [], []

    def send():
        twin = Client(headers={"accept-language": "en"})
        twin.cookies = browser.cookies
        try:
            barrier.wait(timeout=20)
            responses.append(twin.post(url, data))
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(TIMES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(responses) == TIMES
    return responses


def assert_one_answer(responses) -> None:
    """Every request got the normal answer: a redirect, the same for all."""
    answers = {(response.status_code, response["Location"]) for response in responses}
    assert len(answers) == 1, answers
    ((status, _location),) = answers
    assert status == 302


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def activity(organisation):
    return taking_part(organisation, ActivityFactory(title="Celleprosjekt")).activity


@pytest.fixture
def admin(organisation):
    return member_of(organisation, Role.ADMIN)


@pytest.fixture
def browser(admin):
    return logged_in(admin)


def _with_token(browser, url, data, *, form=-1):
    return {**data, "submission_token": submission_tokens(browser.get(url))[form]}


def test_ten_identical_hour_forms_at_once_save_one_entry(browser, admin, organisation, activity):
    url = reverse("activities:hour_create", kwargs={"pk": organisation.pk})
    data = {
        "activity": activity.pk,
        "person": admin.pk,
        "date": YESTERDAY.isoformat(),
        "hours": "1,5",
        "description": "Workshop",
    }

    assert_one_answer(post_at_once(browser, url, _with_token(browser, url, data)))
    assert HourEntry.objects.count() == 1
    assert SubmissionClaim.objects.get().location == reverse(
        "activities:hour_list", kwargs={"pk": organisation.pk}
    )


def test_ten_identical_week_grids_at_once_save_one_entry_in_the_cell(
    browser, admin, organisation, activity
):
    url = reverse("activities:hour_week", kwargs={"pk": organisation.pk}) + f"?week={WEEK}"
    data = {f"hours-{activity.pk}-{MONDAY.isoformat()}": "2"}

    assert_one_answer(post_at_once(browser, url, _with_token(browser, url, data)))
    assert HourEntry.objects.filter(person=admin, activity=activity, date=MONDAY).count() == 1


def test_ten_identical_invitations_at_once_make_one_invitation_and_one_email(
    browser, organisation, mailoutbox
):
    url = reverse("members:people", kwargs={"pk": organisation.pk})
    data = {"email": "per@fjordcelle.no", "role": "member"}

    assert_one_answer(post_at_once(browser, url, _with_token(browser, url, data)))
    assert Invitation.objects.count() == 1
    assert [message.to for message in mailoutbox] == [["per@fjordcelle.no"]]


@pytest.fixture
def staff_browser():
    return logged_in(UserFactory(is_staff=True, is_superuser=True))


def test_ten_identical_payments_in_the_admin_add_form_register_one(staff_browser):
    invoice = issue_invoice()
    url = reverse("admin:billing_payment_add")
    data = {"invoice": invoice.pk, "amount": "12500", "paid_on": "2026-01-20"}

    assert_one_answer(post_at_once(staff_browser, url, _with_token(staff_browser, url, data)))
    assert Payment.objects.get().amount == Decimal("12500.00")


def test_ten_identical_payment_actions_at_once_register_one(staff_browser):
    invoice = issue_invoice()
    selected = {"action": "register_payment", "_selected_action": [invoice.pk]}
    page = staff_browser.post(changelist(Invoice), selected)
    data = {**selected, "apply": "yes", "amount": "12500", "paid_on": "2026-01-20"}
    data["submission_token"] = submission_tokens(page)[0]

    assert_one_answer(post_at_once(staff_browser, changelist(Invoice), data))
    assert Payment.objects.count() == 1


def test_ten_invitations_to_one_address_at_once_leave_one_open(organisation, admin):
    """No token here: the service itself, where the database constraint is the guard."""
    barrier = threading.Barrier(TIMES)
    outcomes = []

    def invite(n):
        try:
            barrier.wait(timeout=20)
            with scopes_disabled():  # as a task or the administration would call it
                services.invitation_create(
                    organisation=organisation,
                    email="Per@Fjordcelle.no" if n % 2 else "per@fjordcelle.no",
                    role=Role.MEMBER,
                    invited_by=admin,
                )
            outcomes.append("invited")
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=invite, args=(n,)) for n in range(TIMES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == ["invited"] * TIMES
    with scopes_disabled():
        open_ones = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        assert open_ones.count() == 1


def test_a_person_invited_at_once_with_two_roles_gets_one_invitation_and_a_clear_refusal(
    organisation, admin
):
    barrier = threading.Barrier(2)
    outcomes = []

    def invite(role):
        try:
            barrier.wait(timeout=20)
            # A new thread speaks the default language; the assertion reads the English message.
            with scopes_disabled(), translation.override("en"):
                services.invitation_create(
                    organisation=organisation,
                    email="kari@fjordcelle.no",
                    role=role,
                    invited_by=admin,
                )
            outcomes.append("invited")
        except Exception as error:  # noqa: BLE001 -- the message is asserted below
            outcomes.append(" ".join(getattr(error, "messages", [repr(error)])))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=invite, args=(role,)) for role in (Role.ADMIN, Role.MEMBER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    with scopes_disabled():
        open_ones = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        assert open_ones.count() == 1
    # Either one after the other (the second replaced the first) or truly at once (refused).
    assert sorted(outcomes) in (
        ["invited", "invited"],
        ["An invitation to this address is already open for this organisation.", "invited"],
    )
