"""Before a run issues anything, staff see whose invoice data needs a look and who joined during
the year (full fee or pro rata, carried into the run); the confirmation only queues the job, and
the finished job links to what it made and skipped."""

import datetime
import socket
from decimal import Decimal

import pytest
from django.urls import reverse

from battery_norway.celery import app as celery_app
from billing import tasks
from billing.models import FeeScheduleJoinerRule, Invoice, InvoiceRun, JoinerFee
from billing.services import runs
from members.models import Membership, MembershipStatus, Role
from portal.models import JobStatus, PendingTask
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    fee_schedule,
    member_of,
    participant,
)
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

YEAR = 2026
PREVIEW_URL = reverse("billing:run_preview")
CONFIRM_URL = reverse("billing:run_confirm")
RUNS_URL = reverse("billing:runs")


@pytest.fixture
def broker_down():
    """A broker on a closed local port, as in production when it refuses: tasks wait in rows."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    previous = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{port}/0")
    celery_app._after_fork()  # forget the connection pool of the previous broker URL
    yield
    celery_app.conf.update(**previous)
    celery_app._after_fork()


@pytest.fixture
def schedule():
    return fee_schedule(YEAR, amount=Decimal("12000"))


def joiner(name: str, joined_on: datetime.date):
    organisation = OrganisationFactory(name=name)
    MembershipFactory(organisation=organisation, start_date=joined_on)
    return organisation


def confirm_data(**choices) -> dict:
    plan = runs.run_preview(year=YEAR).plan
    return {"year": YEAR, "fingerprint": runs.plan_fingerprint(plan), **choices}


# --- Invoice data to check ---------------------------------------------------------------------


def test_the_preview_lists_organisations_without_invoice_email_or_address(staff_client, schedule):
    participant("Fullstendig AS")
    no_email = participant("Uten Epost AS", invoice_email="")
    member_of(no_email, Role.ADMIN, email="leder@utenepost.no")
    participant("Uten Adresse AS", street_address="", city="")
    participant("Ingen Mottaker AS", invoice_email="")

    response = staff_client.get(PREVIEW_URL, {"year": YEAR})

    attention = {item.organisation.name: item for item in response.context["preview"].attention}
    assert set(attention) == {"Uten Epost AS", "Uten Adresse AS", "Ingen Mottaker AS"}
    assert attention["Uten Epost AS"].recipients == ["leder@utenepost.no"]
    assert attention["Uten Epost AS"].problems == [
        "No invoice e-mail: the invoice goes to the organisation's admins."
    ]
    assert attention["Uten Adresse AS"].problems == ["No complete postal address on the invoice."]
    content = response.content.decode()
    table = content[content.index('data-testid="attention"') : content.index("</table>")]
    assert "leder@utenepost.no" in table
    assert "Nobody: it cannot be sent" in table
    assert "Fullstendig AS" not in table
    assert not Invoice.objects.exists()


# --- Joined during the year ---------------------------------------------------------------------


def test_the_preview_lists_who_joined_during_the_year_with_both_fees(staff_client, schedule):
    participant("Gammel AS", since=datetime.date(2024, 3, 1))
    joiner("Ny I Juli AS", datetime.date(YEAR, 7, 15))
    joiner("Ny 1. Januar AS", datetime.date(YEAR, 1, 1))

    response = staff_client.get(PREVIEW_URL, {"year": YEAR})

    joiners = response.context["preview"].joiners
    assert [(j.organisation.name, j.from_month) for j in joiners] == [("Ny I Juli AS", 7)]
    assert (joiners[0].full_amount, joiners[0].pro_rata_amount) == (
        Decimal("12000"),
        Decimal("6000.00"),
    )
    field = response.context["confirm_form"][f"joiner_fee_{joiners[0].organisation.pk}"]
    assert field.value() == JoinerFee.FULL  # no rule on the schedule: the full fee


def test_the_schedules_rule_is_the_preselected_choice(staff_client, schedule):
    FeeScheduleJoinerRule.objects.create(schedule=schedule, fee=JoinerFee.PRO_RATA)
    organisation = joiner("Ny AS", datetime.date(YEAR, 10, 2))
    response = staff_client.get(PREVIEW_URL, {"year": YEAR})
    field = response.context["confirm_form"][f"joiner_fee_{organisation.pk}"]
    assert field.value() == JoinerFee.PRO_RATA


def test_the_choice_per_joiner_is_carried_into_the_run(
    staff_client, schedule, django_capture_on_commit_callbacks
):
    pro_rata = joiner("Pro Rata AS", datetime.date(YEAR, 7, 1))
    full = joiner("Hel Avgift AS", datetime.date(YEAR, 4, 1))
    old = participant("Gammel AS")
    data = confirm_data(
        **{f"joiner_fee_{pro_rata.pk}": JoinerFee.PRO_RATA, f"joiner_fee_{full.pk}": "full"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CONFIRM_URL, data)
    assert response.status_code == 302

    invoice = Invoice.objects.get(organisation=pro_rata)
    assert invoice.amount_excl_vat == Decimal("6000.00")
    assert invoice.delivery_start == datetime.date(YEAR, 7, 1)
    assert Invoice.objects.get(organisation=full).amount_excl_vat == Decimal("12000")
    assert Invoice.objects.get(organisation=old).amount_excl_vat == Decimal("12000")
    assert InvoiceRun.objects.get().job.params["from_months"] == {str(pro_rata.pk): 7}


def test_a_joiner_without_a_choice_follows_the_schedule(staff, schedule):
    FeeScheduleJoinerRule.objects.create(schedule=schedule, fee=JoinerFee.PRO_RATA)
    organisation = joiner("Ny AS", datetime.date(YEAR, 10, 2))
    run = runs.invoice_run_start(year=YEAR, started_by=staff)
    assert run.job.params["from_months"] == {str(organisation.pk): 10}


def test_a_choice_for_an_organisation_that_did_not_join_during_the_year_is_ignored(staff, schedule):
    old = participant("Gammel AS")
    run = runs.invoice_run_start(
        year=YEAR, started_by=staff, joiner_fees={old.pk: JoinerFee.PRO_RATA}
    )
    assert run.job.params["from_months"] == {}


def test_a_posted_choice_that_is_not_one_is_refused(staff_client, schedule):
    organisation = joiner("Ny AS", datetime.date(YEAR, 7, 1))
    response = staff_client.post(
        CONFIRM_URL, confirm_data(**{f"joiner_fee_{organisation.pk}": "half"}), follow=True
    )
    assert "Choose the year again" in response.content.decode()
    assert not InvoiceRun.objects.exists()


# --- Confirm answers at once; the job links to its outcome ---------------------------------------


def test_the_confirmation_only_queues_the_job_and_redirects_to_its_page(
    staff_client, schedule, broker_down, django_capture_on_commit_callbacks
):
    for n in range(3):
        participant(f"Deltaker {n} AS")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CONFIRM_URL, confirm_data())

    run = InvoiceRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:job", kwargs={"pk": run.job_id})
    assert not Invoice.objects.exists()  # nothing issued in the request
    assert run.job.status == JobStatus.PENDING
    assert PendingTask.objects.get().job_id == run.job_id


def test_the_finished_job_links_to_the_invoices_it_made_and_the_ones_it_skipped(
    staff_client, schedule, broker_down, django_capture_on_commit_callbacks
):
    paying = [participant(f"Deltaker {n} AS") for n in range(2)]
    leaving = participant("Slutter AS")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(CONFIRM_URL, confirm_data())
    run = InvoiceRun.objects.get()
    # Before the job runs, the organisation's only period is found to be a mistake.
    Membership.objects.filter(organisation=leaving).update(status=MembershipStatus.REJECTED)
    tasks.run_invoices.apply(kwargs={"run_id": run.pk})
    # The broker is down: the run's delivery tasks wait in rows; run them as a worker would.
    for pending in PendingTask.objects.filter(task=tasks.deliver_invoice.name):
        tasks.deliver_invoice.apply(kwargs=pending.kwargs)

    run.refresh_from_db()
    job = run.job
    assert job.status == JobStatus.DONE
    made = Invoice.objects.filter(organisation__in=paying)
    assert sorted(job.params["outcome"]["invoice_ids"]) == sorted(made.values_list("pk", flat=True))
    assert [s["name"] for s in job.params["outcome"]["skipped"]] == ["Slutter AS"]
    detail = reverse("billing:run_detail", kwargs={"pk": run.pk})
    assert job.params["links"] == [
        {"label": "The 2 invoices of this run", "url": f"{detail}#invoices"},
        {"label": "Skipped, not sent or failed", "url": f"{detail}#skipped"},
    ]

    page = staff_client.get(detail)
    content = page.content.decode()
    invoices = content[content.index('id="invoices"') : content.index('id="skipped"')]
    for invoice in made:
        assert invoice.document_number in invoices
    skipped = content[content.index('id="skipped"') :]
    assert "Slutter AS" in skipped
    assert "Deltaker 0 AS" not in skipped
    assert detail in staff_client.get(RUNS_URL).content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_the_run_result_page_makes_the_same_queries_for_few_and_many_invoices(
    count, staff, schedule, django_assert_num_queries, django_capture_on_commit_callbacks
):
    for n in range(count):
        participant(f"Deltaker {n} AS")
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.invoice_run_start(year=YEAR, started_by=staff)
    client = logged_in(staff)
    # session, user, run with job and starter, invoices, navigation
    with django_assert_num_queries(5):
        response = client.get(reverse("billing:run_detail", kwargs={"pk": run.pk}))
    assert len(response.context["invoices"]) == count


def test_the_run_result_page_is_a_404_for_members(schedule):
    participant()
    run = runs.invoice_run_start(year=YEAR, started_by=UserFactory(is_staff=True))
    member = logged_in(member_of(participant("Medlem AS")))
    assert member.get(reverse("billing:run_detail", kwargs={"pk": run.pk})).status_code == 404


# --- No schedule yet ---------------------------------------------------------------------------


def test_the_run_page_says_when_this_year_has_no_schedule_and_links_to_it(staff_client):
    fee_schedule(YEAR - 1)
    content = staff_client.get(RUNS_URL).content.decode()
    notice = content[content.index('data-testid="no-schedule"') :]
    assert f"No fee schedule for {YEAR} yet" in notice
    assert f"{reverse('admin:billing_feeschedule_add')}?year={YEAR}" in notice
    assert reverse("admin:billing_feeschedule_changelist") in notice


def test_the_run_page_says_nothing_of_it_once_the_schedule_exists(staff_client, schedule):
    assert 'data-testid="no-schedule"' not in staff_client.get(RUNS_URL).content.decode()
