"""Hours in and out: importing a CSV or Excel file (all or nothing) and exporting the list."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from activities.models import HourEntry
from members.models import Role
from tests.factories import (
    ActivityFactory,
    UserFactory,
    active_organisation,
    member_of,
    taking_part,
)

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=3)
HEADER = "date;email;activity_id;hours;description"


def _url(name, organisation):
    return reverse(f"activities:{name}", kwargs={"pk": organisation.pk})


def upload(name, content):
    return SimpleUploadedFile(name, content)


def csv_upload(lines, name="timer.csv"):
    return upload(name, ("\n".join([HEADER, *lines]) + "\n").encode())


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def activity(organisation):
    return taking_part(organisation, ActivityFactory(title="Celleprosjekt")).activity


@pytest.fixture
def admin(client, organisation):
    user = member_of(organisation, Role.ADMIN, email="ola@fjordcelle.no", full_name="Ola Admin")
    client.force_login(user)
    return user


# --- The import page -------------------------------------------------------------------------


def test_import_page_documents_the_columns_and_lists_the_activity_numbers(
    client, organisation, activity, admin
):
    response = client.get(_url("hour_import", organisation))
    content = response.getvalue().decode()
    assert response.status_code == 200
    for column in ("date", "email", "activity_id", "hours", "description"):
        assert f"<code>{column}</code>" in content
    assert "Celleprosjekt" in content
    assert f"<td>{activity.pk}</td>" in content
    assert _url("hour_import_template", organisation) in content


def test_the_csv_template_downloads_with_the_import_columns(client, organisation, admin):
    response = client.get(_url("hour_import_template", organisation))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    first_row = next(csv.reader(io.StringIO(response.getvalue().decode()), delimiter=";"))
    assert ";".join(first_row) == HEADER


def test_admin_imports_a_csv_file(client, organisation, activity, admin):
    colleague = member_of(organisation, email="kari@fjordcelle.no")
    lines = [
        f"{DAY.isoformat()};ola@fjordcelle.no;{activity.pk};1,5;Møte",
        f"{DAY.strftime('%d.%m.%Y')};kari@fjordcelle.no;{activity.pk};7.25;",
    ]
    response = client.post(
        _url("hour_import", organisation), {"file": csv_upload(lines)}, follow=True
    )
    assert response.redirect_chain == [(_url("hour_list", organisation), 302)]
    assert "2 entries are imported." in response.content.decode()
    assert sorted(HourEntry.objects.values_list("person__email", "hours", "created_by")) == [
        (colleague.email, Decimal("7.25"), admin.pk),
        (admin.email, Decimal("1.5"), admin.pk),
    ]


def test_admin_imports_an_excel_file(client, organisation, activity, admin):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["date", "email", "activity_id", "hours", "description"])
    sheet.append([DAY, "ola@fjordcelle.no", activity.pk, 2.5, "Fra Excel"])
    content = io.BytesIO()
    workbook.save(content)
    client.post(
        _url("hour_import", organisation), {"file": upload("timer.xlsx", content.getvalue())}
    )
    entry = HourEntry.objects.get()
    assert (entry.hours, entry.description) == (Decimal("2.5"), "Fra Excel")


def test_one_bad_row_among_many_saves_nothing_and_reports_the_row(
    client, organisation, activity, admin
):
    good = f"{DAY.isoformat()};ola@fjordcelle.no;{activity.pk};0.25;ok"
    lines = [*[good] * 30, f"{DAY.isoformat()};ola@fjordcelle.no;{activity.pk};1.1;bad", good]
    response = client.post(_url("hour_import", organisation), {"file": csv_upload(lines)})
    content = response.getvalue().decode()
    assert response.status_code == 200
    assert "1 of its 32 rows has errors. Nothing is saved." in content
    assert [(row.line, row.messages) for row in response.context["rejected"]] == [
        (32, ["Hours are counted in quarter hours (0.25, 0.5, 0.75 …)."])
    ]
    assert '<th scope="row">32</th>' in content
    assert not HourEntry.objects.exists()


def test_every_bad_row_is_shown_with_its_line_and_reasons(client, organisation, activity, admin):
    member_of(active_organisation(), email="utenfor@annen.no")
    lines = [
        f"{DAY.isoformat()};utenfor@annen.no;{activity.pk};1;",
        f"{DAY.isoformat()};ola@fjordcelle.no;{activity.pk};2;fine",
        "31.02.2026;ola@fjordcelle.no;999999;ti;",
    ]
    response = client.post(_url("hour_import", organisation), {"file": csv_upload(lines)})
    content = response.getvalue().decode()
    assert [(row.line, row.messages) for row in response.context["rejected"]] == [
        (2, ["No person with this e-mail address in your organisation."]),
        (
            4,
            [
                "Your organisation does not take part in this activity.",
                "Write the date as YYYY-MM-DD or DD.MM.YYYY.",
                "Enter hours as a number, e.g. 1.5.",
            ],
        ),
    ]
    assert "2 of its 3 rows have errors" in content
    assert "Write the date as YYYY-MM-DD or DD.MM.YYYY." in content
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("timer.txt", b"date;email\n"), "Upload a .csv or .xlsx file."),
        (upload("timer.csv", b""), "The submitted file is empty."),
        (
            upload("timer.csv", b"dato;epost\n1;2\n"),
            "The first row must name the columns; missing: date, email, activity_id, hours.",
        ),
        (upload("timer.xlsx", b"not a workbook"), "The Excel file could not be read."),
        (
            upload("timer.csv", "date;email\n".encode("utf-16")),
            "The CSV file must be saved as UTF-8.",
        ),
    ],
)
def test_an_unreadable_file_is_told_at_the_file_field(client, organisation, admin, file, message):
    response = client.post(_url("hour_import", organisation), {"file": file})
    assert response.context["form"].errors["file"] == [message]
    assert not HourEntry.objects.exists()


def test_a_plain_member_cannot_import(client, organisation, activity):
    client.force_login(member_of(organisation, email="kari@fjordcelle.no"))
    lines = [f"{DAY.isoformat()};kari@fjordcelle.no;{activity.pk};1;"]
    assert client.get(_url("hour_import", organisation)).status_code == 404
    assert (
        client.post(_url("hour_import", organisation), {"file": csv_upload(lines)}).status_code
        == 404
    )
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize("name", ["hour_import", "hour_import_template"])
def test_admin_of_another_organisation_gets_404_for_import(client, organisation, activity, name):
    client.force_login(member_of(active_organisation(), Role.ADMIN, email="x@annen.no"))
    assert client.get(_url(name, organisation)).status_code == 404
    lines = [f"{DAY.isoformat()};x@annen.no;{activity.pk};1;"]
    assert (
        client.post(_url("hour_import", organisation), {"file": csv_upload(lines)}).status_code
        == 404
    )
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_import_page_query_count_is_fixed(
    client, organisation, admin, django_assert_num_queries, rows
):
    for _ in range(rows):
        taking_part(organisation)
    # session, user, organisation with role, activities, nav
    with django_assert_num_queries(5):
        assert client.get(_url("hour_import", organisation)).status_code == 200


# --- Export ----------------------------------------------------------------------------------


@pytest.fixture
def logged(organisation, activity, admin):
    colleague = member_of(organisation, email="kari@fjordcelle.no", full_name="Kari Medlem")
    for person, hours in ((admin, "7.5"), (colleague, "2")):
        HourEntry.objects.create(
            organisation=organisation, person=person, activity=activity, date=DAY, hours=hours
        )
    HourEntry.objects.create(
        organisation=active_organisation(),
        person=UserFactory(email="fremmed@annen.no"),
        activity=ActivityFactory(),
        date=DAY,
        hours=5,
    )
    return colleague


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode()), delimiter=";"))


def test_admin_exports_the_organisations_hours_to_csv(client, organisation, logged):
    response = client.get(_url("hour_export_csv", organisation))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"hours-{organisation.organisation_number}.csv" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:5] == ["date", "email", "activity_id", "hours", "description"]
    assert sorted((row[1], row[3]) for row in rows[1:]) == [
        ("kari@fjordcelle.no", "2.00"),
        ("ola@fjordcelle.no", "7.50"),
    ]


def test_the_export_follows_the_lists_filters(client, organisation, logged):
    response = client.get(_url("hour_export_csv", organisation), {"person": logged.pk})
    assert [row[1] for row in _csv_rows(response)[1:]] == ["kari@fjordcelle.no"]


def test_admin_exports_the_organisations_hours_to_excel(client, organisation, logged):
    response = client.get(_url("hour_export_xlsx", organisation))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("date", "email", "activity_id", "hours")
    assert sorted((row[1], row[3]) for row in rows[1:]) == [
        ("kari@fjordcelle.no", 2),
        ("ola@fjordcelle.no", 7.5),
    ]


def test_a_plain_member_exports_only_their_own_hours(client, organisation, logged):
    client.force_login(logged)
    response = client.get(_url("hour_export_csv", organisation))
    assert [row[1] for row in _csv_rows(response)[1:]] == ["kari@fjordcelle.no"]


@pytest.mark.parametrize("name", ["hour_export_csv", "hour_export_xlsx"])
def test_member_of_another_organisation_gets_404_for_export(client, organisation, logged, name):
    client.force_login(member_of(active_organisation(), Role.ADMIN))
    assert client.get(_url(name, organisation)).status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_export_query_count_does_not_grow_with_entries(
    client, organisation, activity, admin, django_assert_num_queries, rows
):
    for day in range(rows):
        HourEntry.objects.create(
            organisation=organisation,
            person=member_of(organisation),
            activity=activity,
            date=DAY - datetime.timedelta(days=day),
            hours=1,
        )
    # session, user, organisation with role, entries (read while the body streams)
    with django_assert_num_queries(4):
        body = client.get(_url("hour_export_csv", organisation)).getvalue()
    assert len(list(csv.reader(io.StringIO(body.decode()), delimiter=";"))) == rows + 1
