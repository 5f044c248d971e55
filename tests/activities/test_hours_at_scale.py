"""The hour pages at network scale: paging without reading earlier pages, one count, streamed
exports with flat memory, the admin changelist without full counts, and yearly totals."""

import csv
import datetime
import io
import tracemalloc
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities import selectors
from activities.admin.hours import EstimatedCountPaginator
from activities.models import HourEntry
from activities.paging import ORDER
from activities.services import hours as services
from activities.services.imports import hours_import, read_rows
from members.models import Role
from tests.factories import (
    ActivityFactory,
    ReportingPeriodFactory,
    active_organisation,
    member_of,
    taking_part,
)
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PER_PAGE = 50


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def activity(organisation):
    since = datetime.date(2022, 1, 1)
    return taking_part(
        organisation, ActivityFactory(title="Celleprosjekt", start_date=since)
    ).activity


@pytest.fixture
def admin(organisation):
    return member_of(organisation, Role.ADMIN, full_name="Ola Admin")


def bulk_hours(organisation, activity, people, count, *, start=TODAY, description="Møte"):
    """``count`` entries spread over ``people`` and days back from ``start`` (at most 24 h/day)."""
    HourEntry.objects.bulk_create(
        HourEntry(
            organisation=organisation,
            person=people[n % len(people)],
            activity=activity,
            date=start - datetime.timedelta(days=n // len(people) // 3),
            hours=Decimal("1.5"),
            description=f"{description} {n}",
        )
        for n in range(count)
    )


def list_url(organisation):
    return reverse("activities:hour_list", kwargs={"pk": organisation.pk})


def page_pks(client, organisation, **query):
    response = client.get(list_url(organisation), query)
    assert response.status_code == 200
    return response, [entry.pk for entry in response.context["entries"]]


# --- The hour list ---------------------------------------------------------------------------


@pytest.fixture
def many_entries(organisation, activity, admin):
    people = [admin, member_of(organisation, email="b@celle.no"), member_of(organisation)]
    bulk_hours(organisation, activity, people, 5 * PER_PAGE + 7)
    expected = list(
        HourEntry.objects.filter(organisation=organisation)
        .order_by(*ORDER)
        .values_list("pk", flat=True)
    )
    return logged_in(admin), expected


def test_every_page_by_number_is_the_slice_of_the_list_order(organisation, many_entries):
    client, expected = many_entries
    pages = [page_pks(client, organisation, page=n)[1] for n in range(1, 7)]

    assert pages == [expected[n : n + PER_PAGE] for n in range(0, len(expected), PER_PAGE)]
    assert page_pks(client, organisation, page="last")[1] == expected[5 * PER_PAGE :]


def test_next_and_previous_links_page_by_keyset_to_the_same_rows(organisation, many_entries):
    client, expected = many_entries
    response, rows = page_pks(client, organisation, page=2)
    assert f"page=3&amp;after={rows[-1]}" in response.content.decode()

    _, following = page_pks(client, organisation, page=3, after=rows[-1])
    _, preceding = page_pks(client, organisation, page=1, before=rows[0])

    assert following == expected[3 * PER_PAGE - PER_PAGE : 3 * PER_PAGE]
    assert preceding == expected[:PER_PAGE]


def test_a_cursor_that_is_no_row_of_the_list_falls_back_to_the_page_number(
    organisation, activity, many_entries
):
    client, expected = many_entries
    elsewhere = active_organisation()
    taking_part(elsewhere, activity)
    bulk_hours(elsewhere, activity, [member_of(elsewhere)], 1)
    foreign = HourEntry.objects.get(organisation=elsewhere).pk

    for cursor in (foreign, "x", "-1", "99999999"):
        assert page_pks(client, organisation, page=2, after=cursor)[1] == expected[50:100]


@pytest.mark.parametrize("page", ["0", "8", "x"])
def test_a_page_beyond_the_list_is_not_found(organisation, many_entries, page):
    client, _ = many_entries
    assert client.get(list_url(organisation), {"page": page}).status_code == 404


def test_the_list_counts_once_for_the_totals_and_the_pages(organisation, many_entries):
    client, expected = many_entries
    response, _ = page_pks(client, organisation)

    assert response.context["totals"] == {"hours": Decimal("1.5") * len(expected), "entries": 257}
    assert response.context["paginator"].num_pages == 6


def _list_queries(client, organisation, django_assert_num_queries, count, **query):
    with django_assert_num_queries(count):
        assert client.get(list_url(organisation), query).status_code == 200


@pytest.mark.parametrize("entries", [3, 400])
def test_the_query_count_is_the_same_small_or_large_and_on_any_page(
    organisation, activity, admin, django_assert_num_queries, entries
):
    bulk_hours(organisation, activity, [admin, member_of(organisation)], entries)
    client = logged_in(admin)
    edge = HourEntry.objects.filter(organisation=organisation).order_by(*ORDER).first().pk
    # session, user, organisation with role, totals, page, periods (none: no confirmations to
    # read), people over the limit, statement years, nav, filter choices (periods, activities,
    # people)
    _list_queries(client, organisation, django_assert_num_queries, 12)
    _list_queries(client, organisation, django_assert_num_queries, 12, page="last")
    # a keyset page reads its edge row first
    _list_queries(client, organisation, django_assert_num_queries, 13, page=1, after=edge)


def test_statement_years_span_the_first_to_the_last_entry(organisation, activity, admin):
    for date in (datetime.date(2022, 5, 1), datetime.date(2025, 2, 1)):
        services.hour_entry_create(
            organisation=organisation, person=admin, activity=activity, date=date, hours="1"
        )
    response = logged_in(admin).get(list_url(organisation))

    assert response.context["statement_years"] == [2025, 2024, 2023, 2022]


def test_no_entries_no_statement_years(organisation, admin):
    assert logged_in(admin).get(list_url(organisation)).context["statement_years"] == []


# --- Exports ---------------------------------------------------------------------------------


def _export_peak(client, organisation, file_format) -> tuple[int, int]:
    """Peak Python memory while the export is made and read in pieces, and its bytes."""
    url = reverse(f"activities:hour_export_{file_format}", kwargs={"pk": organisation.pk})
    tracemalloc.start()
    try:
        response = client.get(url)
        size = sum(len(piece) for piece in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size


# Excel is slow to write under tracemalloc, so it is measured at four times the rows, not ten.
@pytest.mark.parametrize(("file_format", "large_rows"), [("csv", 20_000), ("xlsx", 8_000)])
def test_export_memory_stays_flat_as_the_rows_grow(
    organisation, activity, admin, file_format, large_rows
):
    people = [admin, *(member_of(organisation) for _ in range(9))]
    small = active_organisation()
    taking_part(small, activity)
    small_admin = member_of(small, Role.ADMIN)
    bulk_hours(small, activity, [small_admin, *(member_of(small) for _ in range(9))], 2_000)
    bulk_hours(organisation, activity, people, large_rows)

    small_peak, small_size = _export_peak(logged_in(small_admin), small, file_format)
    large_peak, large_size = _export_peak(logged_in(admin), organisation, file_format)

    assert large_size > 0.8 * (large_rows / 2_000) * small_size  # the rows were written
    assert large_peak < 2 * small_peak, (small_peak, large_peak)


def test_the_csv_export_streams_the_rows_in_the_lists_filter_and_order(
    organisation, activity, admin
):
    other = taking_part(organisation, ActivityFactory(title="Annet")).activity
    bulk_hours(organisation, activity, [admin], 1200)
    bulk_hours(organisation, other, [admin], 3, start=TODAY - datetime.timedelta(days=900))
    url = reverse("activities:hour_export_csv", kwargs={"pk": organisation.pk})

    response = logged_in(admin).get(url, {"activity": activity.pk})

    assert response.streaming
    pieces = list(response.streaming_content)
    assert len(pieces) > 2  # written as read, not as one string
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode()), delimiter=";"))[1:]
    assert len(rows) == 1200
    assert {row[6] for row in rows} == {"Celleprosjekt"}
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    assert rows[0][5] == "Ola Admin"  # the full name, else the email


def test_the_excel_export_is_written_whole(organisation, activity, admin):
    bulk_hours(organisation, activity, [admin], 30)
    url = reverse("activities:hour_export_xlsx", kwargs={"pk": organisation.pk})

    sheet = load_workbook(io.BytesIO(logged_in(admin).get(url).getvalue())).active

    assert sheet.max_row == 31
    assert [cell.value for cell in sheet[2]][3] == 1.5


# --- The admin changelist --------------------------------------------------------------------


CHANGELIST = "admin:activities_hourentry_changelist"


def test_the_changelist_totals_hours_only_when_narrowed(staff_client, organisation, activity):
    bulk_hours(organisation, activity, [member_of(organisation)], 4)
    url = reverse(CHANGELIST)

    plain = staff_client.get(url)
    filtered = staff_client.get(url, {"organisation": organisation.pk})
    searched = staff_client.get(url, {"q": "Fjordcelle"})

    assert plain.context["title"] != "Hour entries (total 6 hours)"
    assert filtered.context["title"] == "Hour entries (total 6 hours)"
    assert searched.context["title"] == "Hour entries (total 6 hours)"
    assert plain.context["cl"].show_full_result_count is False


def test_the_organisation_filter_searches_and_narrows(staff_client, organisation, activity):
    other = active_organisation(name="Annen AS")
    taking_part(other, activity)
    bulk_hours(organisation, activity, [member_of(organisation)], 2)
    bulk_hours(other, activity, [member_of(other)], 3)
    url = reverse(CHANGELIST)

    response = staff_client.get(url, {"organisation": other.pk, "o": "1"})
    page = response.content.decode()

    assert {entry.organisation for entry in response.context["cl"].result_list} == {other}
    assert 'class="admin-autocomplete' in page
    assert reverse("admin:autocomplete") in page
    assert f'<option value="{other.pk}" selected>Annen AS</option>' in page
    assert '<input type="hidden" name="o" value="1">' in page  # the ordering is kept
    assert "Fjordcelle AS</a>" not in page  # no list of every organisation
    found = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "Annen", "app_label": "activities", "model_name": "hourentry"}
        | {"field_name": "organisation"},
    ).json()
    assert [result["text"] for result in found["results"]] == ["Annen AS"]


@pytest.mark.parametrize("value", ["x", "-3", "99999999999999999999"])
def test_a_bad_organisation_filter_value_shows_everything(
    staff_client, organisation, activity, value
):
    bulk_hours(organisation, activity, [member_of(organisation)], 2)
    response = staff_client.get(reverse(CHANGELIST), {"organisation": value})
    assert response.status_code == 200


# --- Yearly totals per person ----------------------------------------------------------------


def raw_totals(year, organisation=None) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for entry in HourEntry.objects.all():
        if entry.date.year == year and organisation in (None, entry.organisation):
            totals[entry.person_id] += entry.hours
    return dict(totals)


def assert_totals_match(organisation):
    for year in (2024, 2025):
        for scope in (None, organisation):
            summed = {
                row["person_id"]: row["total"]
                for row in selectors.yearly_hours_by_person(year, scope)
            }
            assert summed == raw_totals(year, scope)


def test_yearly_totals_equal_the_raw_sum_through_every_change(organisation, activity, admin, staff):
    ola, kari = admin, member_of(organisation, email="kari@celle.no")
    elsewhere = active_organisation()
    taking_part(elsewhere, activity)
    create = services.hour_entry_create
    first = create(
        organisation=organisation,
        person=ola,
        activity=activity,
        date=datetime.date(2025, 12, 31),
        hours="7.5",
    )
    create(
        organisation=elsewhere,
        person=member_of(elsewhere),
        activity=activity,
        date=datetime.date(2025, 6, 1),
        hours="3",
    )
    assert_totals_match(organisation)

    services.hour_entry_update(entry=first, date=datetime.date(2024, 12, 31), person=kari)
    assert_totals_match(organisation)

    lines = [f"2025-03-0{day};kari@celle.no;{activity.pk};2,25;Import" for day in (3, 4)]
    content = ("date;email;activity_id;hours;description\n" + "\n".join(lines)).encode()
    hours_import(
        organisation=organisation,
        rows=read_rows(content=content, filename="timer.csv"),
        created_by=ola,
    )
    assert_totals_match(organisation)

    period = ReportingPeriodFactory(
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 3, 31),
        deadline=datetime.date(2025, 4, 10),
        locked_at=timezone.now(),
    )
    imported = HourEntry.objects.filter(date__range=(period.start_date, period.end_date))
    services.hour_entry_update(entry=imported.first(), hours="4", as_staff=True)
    assert_totals_match(organisation)

    services.hour_entry_delete(entry=imported.last(), as_staff=True)
    services.hour_entry_delete(entry=first)
    assert_totals_match(organisation)
    assert raw_totals(2025, organisation) == {kari.pk: Decimal(4)}


def test_people_over_the_limit_are_named_most_first(organisation, activity, admin):
    kari = member_of(organisation, email="kari@celle.no", full_name="Kari")
    for person, days in ((admin, 240), (kari, 250)):
        HourEntry.objects.bulk_create(
            HourEntry(
                organisation=organisation,
                person=person,
                activity=activity,
                date=datetime.date(2025, 1, 1) + datetime.timedelta(days=day),
                hours=Decimal("7.75"),
            )
            for day in range(days)
        )

    over = selectors.people_over_yearly_limit(2025, organisation)

    assert [(row["person__email"], row["total"]) for row in over] == [
        ("kari@celle.no", Decimal("1937.50")),
        (admin.email, Decimal("1860.00")),
    ]
    assert over[0]["person__full_name"] == "Kari"


def test_the_year_filter_offers_the_first_to_the_last_year_and_narrows(
    staff_client, organisation, activity
):
    person = member_of(organisation)
    bulk_hours(organisation, activity, [person], 1, start=datetime.date(2023, 3, 1))
    bulk_hours(organisation, activity, [person], 2, start=datetime.date(2025, 3, 1))

    response = staff_client.get(reverse(CHANGELIST), {"year": "2025"})
    year_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "year"
    )

    assert [year for year, _ in year_filter.lookup_choices] == [2025, 2024, 2023]
    assert {entry.date.year for entry in response.context["cl"].result_list} == {2025}
    assert response.context["title"] == "Hour entries (total 3 hours)"
    assert staff_client.get(reverse(CHANGELIST), {"year": "x"}).status_code == 200


def test_the_unfiltered_changelist_numbers_its_pages_from_the_statistics(
    staff_client, organisation, activity, monkeypatch
):
    person = member_of(organisation)
    bulk_hours(organisation, activity, [person], 30)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE activities_hourentry")
    bulk_hours(organisation, activity, [person], 3, start=TODAY - datetime.timedelta(days=30))
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)

    plain = staff_client.get(reverse(CHANGELIST)).context["cl"]
    filtered = staff_client.get(reverse(CHANGELIST), {"organisation": organisation.pk})

    # PostgreSQL's estimate is as of the last ANALYZE; elsewhere the list is counted.
    assert plain.result_count == (30 if connection.vendor == "postgresql" else 33)
    assert filtered.context["cl"].result_count == 33
