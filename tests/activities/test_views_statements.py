"""The yearly in-kind statement: an organisation's PDF, and the secretariat's page for a year."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from activities.models import HourEntry, HourlyRate
from members.models import Role
from portal.models import Job, JobStatus
from tests.factories import (
    ActivityFactory,
    UserFactory,
    active_organisation,
    member_of,
    taking_part,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def organisation():
    return active_organisation(name="Celleverket AS", organisation_number="923609016")


@pytest.fixture
def logged(organisation):
    anne = member_of(organisation, full_name="Anne Aas")
    activity = taking_part(organisation, ActivityFactory(title="Sikkerhetsverksted")).activity
    HourlyRate.objects.create(year=YEAR, rate=700)
    for day, hours in ((2, "7.5"), (3, "4")):
        HourEntry.objects.create(
            organisation=organisation,
            person=anne,
            activity=activity,
            date=datetime.date(YEAR, 5, day),
            hours=hours,
        )
    return anne


def _url(organisation, year=YEAR):
    return reverse("activities:statement", kwargs={"pk": organisation.pk, "year": year})


def test_admin_downloads_the_statement_pdf_with_the_totals(client, organisation, logged):
    admin = member_of(organisation, Role.ADMIN)
    client.force_login(admin)
    hours_page = client.get(reverse("activities:hour_list", kwargs={"pk": organisation.pk}))
    assert _url(organisation) in hours_page.content.decode()
    response = client.get(_url(organisation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        'filename="egeninnsats-2025-923609016-celleverket-as.pdf"'
        in response["Content-Disposition"]
    )
    text = pdf_text(response.content)
    assert "Celleverket AS, organisation number 923609016" in text
    assert "Sikkerhetsverksted 11.50 8,050.00" in text
    assert "Anne Aas 11.50 8,050.00" in text


def test_staff_download_any_organisations_statement(client, organisation, logged):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(_url(organisation))
    assert response.status_code == 200
    assert "Total 11.50 8,050.00" in pdf_text(response.content)


def test_a_plain_member_gets_404_for_the_statement(client, organisation, logged):
    client.force_login(logged)
    assert client.get(_url(organisation)).status_code == 404


@pytest.mark.parametrize("year", [0, 1999, 2101])
def test_a_statement_for_an_impossible_year_is_404(client, organisation, year):
    client.force_login(member_of(organisation, Role.ADMIN))
    assert client.get(_url(organisation, year)).status_code == 404


def test_admin_of_another_organisation_gets_404_for_the_statement(client, organisation, logged):
    client.force_login(member_of(active_organisation(), Role.ADMIN))
    assert client.get(_url(organisation)).status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_statement_query_count_does_not_grow_with_entries(
    client, organisation, django_assert_num_queries, rows
):
    client.force_login(member_of(organisation, Role.ADMIN))
    for n in range(rows):
        person = member_of(organisation)
        activity = taking_part(organisation).activity
        HourEntry.objects.create(
            organisation=organisation,
            person=person,
            activity=activity,
            date=datetime.date(YEAR, 3, 1 + n),
            hours=2,
        )
    # session, user, organisation with role, standard rate, personal rates, hours, confirmations
    with django_assert_num_queries(7):
        response = client.get(_url(organisation))
    assert response.status_code == 200


# --- The secretariat's page ------------------------------------------------------------------


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


def test_staff_page_lists_organisations_with_hours_and_their_statements(
    client, staff, organisation, logged
):
    active_organisation(name="Uten Timer AS")
    response = client.get(reverse("activities:staff_hours"), {"year": YEAR})
    content = response.content.decode()
    assert response.status_code == 200
    assert [o.name for o in response.context["organisations"]] == ["Celleverket AS"]
    assert _url(organisation) in content
    assert "Nobody is over the limit." in content


def test_staff_page_flags_people_over_1850_hours_in_the_year(client, staff, organisation):
    person = member_of(organisation, full_name="Travel Trine", email="trine@celle.no")
    activity = taking_part(organisation).activity
    HourEntry.objects.bulk_create(
        HourEntry(
            organisation=organisation,
            person=person,
            activity=activity,
            date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=day),
            hours=24,
        )
        for day in range(78)
    )
    response = client.get(reverse("activities:staff_hours"), {"year": YEAR})
    content = response.content.decode()
    assert "People over 1,850 hours" in content
    assert "Travel Trine" in content
    assert "1,872" in content


@pytest.mark.parametrize(
    "user_fields", [{"is_steering_group": True}, {}], ids=["steering group", "member"]
)
def test_staff_page_is_404_for_everyone_else(client, organisation, user_fields):
    user = member_of(organisation, Role.ADMIN, **user_fields)
    client.force_login(user)
    assert client.get(reverse("activities:staff_hours")).status_code == 404
    assert client.post(reverse("activities:staff_hours"), {"year": YEAR}).status_code == 404
    assert not Job.objects.exists()


def test_staff_start_all_statements_of_a_year_as_a_job_and_watch_it(
    client, staff, organisation, logged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("activities:staff_hours"), {"year": YEAR})
    assert len(callbacks) == 1
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:job", kwargs={"pk": job.pk})
    assert (job.started_by, job.params) == (staff, {"year": YEAR})
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 1, 1)

    page = client.get(response.url)
    assert "In-kind statements" in page.content.decode()
    download = client.get(reverse("portal:job_download", kwargs={"pk": job.pk}))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.namelist() == ["egeninnsats-2025-923609016-celleverket-as.pdf"]


def test_the_job_is_queued_only_after_the_request_commits(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("activities:staff_hours"), {"year": YEAR})
    assert len(callbacks) == 1
    assert Job.objects.get().status == JobStatus.PENDING


def test_a_bad_year_starts_nothing(client, staff):
    response = client.post(reverse("activities:staff_hours"), {"year": "1999"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert not Job.objects.exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_staff_page_query_count_does_not_grow_with_organisations(
    client, staff, django_assert_num_queries, rows
):
    for n in range(rows):
        organisation = active_organisation()
        HourEntry.objects.create(
            organisation=organisation,
            person=member_of(organisation),
            activity=taking_part(organisation).activity,
            date=datetime.date(YEAR, 2, 1 + n),
            hours=3,
        )
    # session, user, people over the limit, organisations with hours, nav
    with django_assert_num_queries(5):
        response = client.get(reverse("activities:staff_hours"), {"year": YEAR})
    assert len(response.context["organisations"]) == rows
