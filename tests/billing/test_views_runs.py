"""The secretariat's invoice run pages: choose a year, preview, confirm, watch the job."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from billing import selectors
from billing.models import Invoice, InvoiceRun
from billing.services import runs
from billing.services.issuing import fee_invoice_issue
from members.models import CompanyGroup
from portal import jobs
from portal.models import JobStatus, OutboundEmail
from tests.factories import (
    UserFactory,
    fee_schedule,
    member_of,
    participant,
)
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

YEAR = 2026
RUNS_URL = reverse("billing:runs")
PREVIEW_URL = reverse("billing:run_preview")
CONFIRM_URL = reverse("billing:run_confirm")


@pytest.fixture
def schedule():
    return fee_schedule(YEAR, amount=Decimal("15000"))


def confirm_data(year=YEAR) -> dict:
    return {"year": year, "fingerprint": runs.plan_fingerprint(selectors.run_plan(year=year))}


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", RUNS_URL), ("get", f"{PREVIEW_URL}?year={YEAR}"), ("post", CONFIRM_URL)],
)
def test_run_pages_are_a_404_for_members_and_ask_visitors_to_sign_in(method, url, schedule):
    organisation = participant("Medlem AS")
    member = logged_in(member_of(organisation))
    assert getattr(member, method)(url).status_code == 404
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not InvoiceRun.objects.exists()


def test_the_run_page_offers_the_years_with_a_fee_schedule(staff_client, schedule):
    fee_schedule(2027)
    response = staff_client.get(RUNS_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<option value="2027"' in content
    assert '<option value="2026"' in content
    assert "No invoice runs yet." in content


def make_runs(count: int, staff):
    for _ in range(count):
        run = InvoiceRun.objects.create(year=YEAR, started_by=staff)
        run.job = jobs.job_create(kind=runs.RUN_JOB_KIND, started_by=staff, total=4)
        run.save()


@pytest.mark.parametrize("count", [1, 6])
def test_the_run_page_makes_the_same_queries_for_few_and_many_runs(
    count, schedule, django_assert_num_queries
):
    staff = UserFactory(is_staff=True)
    make_runs(count, staff)
    client = logged_in(staff)
    # session, user, fee schedules (year choices), runs with job and starter, navigation
    with django_assert_num_queries(5):
        response = client.get(RUNS_URL)
    assert response.content.decode().count("0 / 4") == count


def test_the_preview_lists_who_pays_what_and_who_is_skipped_and_why(staff_client, schedule):
    paying = participant("Betaler AS")
    parent = participant("Konsern ASA")
    unit = participant("Datter AS")
    group = CompanyGroup.objects.create(name="Konsernet", parent=parent, units_pay_own_fee=False)
    parent.group = unit.group = group
    parent.save()
    unit.save()
    invoiced = participant("Fakturert AS")
    fee_invoice_issue(organisation=invoiced, year=YEAR, issued_by=None)

    response = staff_client.get(PREVIEW_URL, {"year": YEAR})

    assert response.status_code == 200
    content = response.content.decode()
    billable = content[
        content.index('id="billable-heading"') : content.index('id="skipped-heading"')
    ]
    skipped = content[content.index('id="skipped-heading"') :]
    assert paying.name in billable
    assert parent.name in billable
    assert "Includes the group's units: Datter AS" in billable
    assert "15,000.00" in billable
    assert f"<td>{unit.name}</td>" not in billable
    assert "Paid through the group&#x27;s parent unit, Konsern ASA." in skipped
    assert "Fakturert AS" in skipped
    assert "Already invoiced for this year." in skipped
    assert re.search(r'data-testid="billable-count">\s*2<', content)
    assert "30,000.00" in content
    assert Invoice.objects.count() == 1
    assert not InvoiceRun.objects.exists()


@pytest.mark.parametrize("count", [2, 8])
def test_the_preview_makes_the_same_queries_for_few_and_many_organisations(
    count, staff_client, schedule, django_assert_num_queries
):
    for n in range(count):
        participant(f"Deltaker {n} AS")
    # session, user, years with a schedule (year form and confirmation form), fee schedule,
    # its amounts, membership periods, organisations, groups, invoiced organisations, the
    # schedule's rule for joiners, when each joined, navigation
    with django_assert_num_queries(13):
        response = staff_client.get(PREVIEW_URL, {"year": YEAR})
    assert response.content.decode().count("Deltaker ") == count


def test_a_preview_of_a_year_without_a_fee_schedule_is_a_field_error(staff_client, schedule):
    response = staff_client.get(PREVIEW_URL, {"year": 2031})
    assert response.status_code == 200
    assert response.context["form"].errors == {"year": ["There is no fee schedule for that year."]}
    assert not InvoiceRun.objects.exists()


def test_confirming_starts_the_run_and_shows_its_progress_page(
    staff_client, schedule, smtp_server, django_capture_on_commit_callbacks
):
    participants = [participant(f"Deltaker {n} AS") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CONFIRM_URL, confirm_data())

    run = InvoiceRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:job", kwargs={"pk": run.job_id})
    assert Invoice.objects.count() == len(participants)
    assert len(smtp_server.inbox.wait_for(3)) == 3
    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    assert "Invoice run" in page.content.decode()
    assert page.context["job"].status == JobStatus.DONE
    listing = staff_client.get(RUNS_URL).content.decode()
    assert "3 invoices issued." in listing


def test_a_confirmation_clicked_twice_issues_each_invoice_once(
    staff_client, schedule, django_capture_on_commit_callbacks
):
    for n in range(3):
        participant(f"Deltaker {n} AS")
    data = confirm_data()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(CONFIRM_URL, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = staff_client.post(CONFIRM_URL, data, follow=True)

    assert Invoice.objects.count() == 3
    assert OutboundEmail.objects.count() == 3
    assert InvoiceRun.objects.count() == 1
    assert "The fee plan has changed since the preview." in second.content.decode()


def test_two_confirmations_before_either_job_ran_still_issue_each_invoice_once(
    staff_client, schedule, django_capture_on_commit_callbacks
):
    for n in range(3):
        participant(f"Deltaker {n} AS")
    data = confirm_data()
    with django_capture_on_commit_callbacks() as queued:
        staff_client.post(CONFIRM_URL, data)
        staff_client.post(CONFIRM_URL, data)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()

    assert InvoiceRun.objects.count() == 2
    assert Invoice.objects.count() == 3
    assert OutboundEmail.objects.count() == 3


def test_a_confirmation_without_the_preview_is_sent_back_to_choose_the_year(staff_client, schedule):
    participant("Deltaker AS")
    response = staff_client.post(CONFIRM_URL, {"year": YEAR}, follow=True)
    assert response.redirect_chain[-1][0] == RUNS_URL
    assert "Choose the year again" in response.content.decode()
    assert not InvoiceRun.objects.exists()
