import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook

from activities.models import HourEntry
from activities.services.imports import hours_import, read_rows
from portal.imports import FileRejectedError
from tests.factories import OrganisationFactory, member_of, taking_part

pytestmark = pytest.mark.django_db

DAY = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()


@pytest.fixture
def company():
    organisation = OrganisationFactory()
    person = member_of(organisation, email="ola@celle.no")
    activity = taking_part(organisation).activity
    return organisation, person, activity


def csv_file(activity, lines):
    header = "date;email;activity_id;hours;description"
    return ("\n".join([header, *lines]) + "\n").encode()


def test_a_good_csv_file_is_imported_whole(company):
    organisation, person, activity = company
    content = csv_file(
        activity, [f"{DAY};ola@celle.no;{activity.pk};{n},5;Møte {n}" for n in (1, 2)]
    )
    rows = read_rows(content=content, filename="timer.csv")
    assert hours_import(organisation=organisation, rows=rows, created_by=person) == 2
    assert sorted(HourEntry.objects.values_list("hours", flat=True)) == [
        Decimal("1.5"),
        Decimal("2.5"),
    ]


def test_one_bad_row_among_many_rejects_the_file_and_saves_nothing(company):
    organisation, person, activity = company
    good = [f"{DAY};ola@celle.no;{activity.pk};0.25;ok" for _ in range(40)]
    lines = [*good[:20], f"{DAY};ola@celle.no;{activity.pk};1.1;bad", *good[20:]]
    rows = read_rows(content=csv_file(activity, lines), filename="timer.csv")
    with pytest.raises(FileRejectedError) as rejected:
        hours_import(organisation=organisation, rows=rows, created_by=person)
    assert [(e.line, e.messages) for e in rejected.value.errors] == [
        (22, ["Hours are counted in quarter hours (0.25, 0.5, 0.75 …)."])
    ]
    assert not HourEntry.objects.exists()


def test_every_bad_row_is_reported_with_why(company):
    organisation, person, activity = company
    other_person = member_of(OrganisationFactory(), email="outsider@annen.no")
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    lines = [
        f"{DAY};outsider@annen.no;{activity.pk};1;",
        f"{DAY};ola@celle.no;999999;1;",
        f"31.02.2026;ola@celle.no;{activity.pk};1;",
        f"{future};ola@celle.no;{activity.pk};1;",
        f"{DAY};ola@celle.no;{activity.pk};ti;",
    ]
    rows = read_rows(content=csv_file(activity, lines), filename="timer.csv")
    with pytest.raises(FileRejectedError) as rejected:
        hours_import(organisation=organisation, rows=rows, created_by=person)
    assert [(e.line, e.messages) for e in rejected.value.errors] == [
        (2, ["No person with this e-mail address in your organisation."]),
        (3, ["Your organisation does not take part in this activity."]),
        (4, ["Write the date as YYYY-MM-DD or DD.MM.YYYY."]),
        (5, ["Hours cannot be logged for a future date."]),
        (6, ["Enter hours as a number, e.g. 1.5."]),
    ]
    assert other_person.hour_entries.count() == 0


def test_the_24_hour_day_counts_rows_in_the_file_and_hours_already_logged(company):
    organisation, person, activity = company
    HourEntry.objects.create(
        organisation=organisation, person=person, activity=activity, date=DAY, hours=10
    )
    lines = [f"{DAY};ola@celle.no;{activity.pk};8;", f"{DAY};ola@celle.no;{activity.pk};8;"]
    rows = read_rows(content=csv_file(activity, lines), filename="timer.csv")
    with pytest.raises(FileRejectedError) as rejected:
        hours_import(organisation=organisation, rows=rows, created_by=person)
    assert [e.line for e in rejected.value.errors] == [3]
    assert HourEntry.objects.count() == 1


def test_an_excel_file_is_read_like_a_csv(company):
    organisation, person, activity = company
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["date", "email", "activity_id", "hours", "description"])
    sheet.append([datetime.date.fromisoformat(DAY), "OLA@celle.no", activity.pk, 3.75, "Sprint"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_rows(content=buffer.getvalue(), filename="timer.xlsx")
    assert hours_import(organisation=organisation, rows=rows, created_by=person) == 1
    assert HourEntry.objects.get().hours == Decimal("3.75")


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "timer.csv", "The file is empty."),
        (b"date;hours\n2026-01-01;1\n", "timer.csv", "missing: email, activity_id"),
        (b"\xff\xfe\x00", "timer.csv", "must be saved as UTF-8"),
        (b"not a workbook", "timer.xlsx", "could not be read"),
        (b"x", "timer.pdf", "Upload a .csv or .xlsx file."),
    ],
)
def test_unreadable_files_get_a_clear_error(content, filename, message):
    with pytest.raises(ValidationError, match=message):
        read_rows(content=content, filename=filename)
