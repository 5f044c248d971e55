"""Hostile input on the activity and hour pages: a clear error, never a 500, nothing written."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from activities.models import Activity, HourEntry, PeriodConfirmation
from activities.services import imports
from members.models import Role
from tests.factories import (
    ActivityFactory,
    ReportingPeriodFactory,
    active_organisation,
    member_of,
    taking_part,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday() + 7)
WEEK = "{}-W{:02d}".format(*MONDAY.isocalendar()[:2])
HOSTILE_NUMBERS = [
    "1e-2000000",
    "1e1000000",
    "sNaN",
    "NaN",
    "Infinity",
    "²",
    "１２",
    "1_0",
    "1\x00",
    "9" * 60,
]


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def activity(organisation):
    return taking_part(
        organisation,
        ActivityFactory(
            title="Verksted",
            start_date=TODAY - datetime.timedelta(days=60),
            end_date=TODAY + datetime.timedelta(days=60),
        ),
    ).activity


@pytest.fixture
def admin(client, organisation):
    user = member_of(organisation, Role.ADMIN, email="ola@fjordcelle.no")
    client.force_login(user)
    return user


def _url(name, organisation, **kwargs):
    return reverse(f"activities:{name}", kwargs={"pk": organisation.pk, **kwargs})


# --- ?week= and ?person= on the weekly grid ---------------------------------------------------


@pytest.mark.parametrize("week", ["0001-W01", "9999-W52", "0-W1", "2026-W1x", "garbage"])
def test_a_week_outside_the_calendar_is_a_clear_error_not_a_500(client, organisation, admin, week):
    response = client.get(_url("hour_week", organisation), {"week": week}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(_url("hour_week", organisation), 302)]
    assert response.context["monday"] == TODAY - datetime.timedelta(days=TODAY.weekday())
    assert len(messages_of(response)) == 1


def test_posting_the_grid_for_a_week_outside_the_calendar_saves_nothing(
    client, organisation, admin, activity
):
    url = _url("hour_week", organisation) + "?week=9999-W52"
    response = client.post(url, {f"hours-{activity.pk}-{YESTERDAY.isoformat()}": "2"})
    assert response.status_code == 302
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize("person", ["²", "１２", "1_0", "-1", "9" * 30])
def test_a_garbled_person_on_the_grid_is_a_404_not_a_500(client, organisation, admin, person):
    response = client.get(_url("hour_week", organisation), {"week": WEEK, "person": person})
    assert response.status_code == 404


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_a_hostile_number_in_a_grid_cell_is_a_cell_error(
    client, organisation, admin, activity, value
):
    cell = f"hours-{activity.pk}-{MONDAY.isoformat()}"
    response = client.post(f"{_url('hour_week', organisation)}?week={WEEK}", {cell: value})
    assert response.status_code == 200
    assert response.context["grid"].errors
    assert not HourEntry.objects.exists()


# --- The hour form, the confirmation, the proposal --------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_a_hostile_number_of_hours_is_a_field_error(client, organisation, admin, activity, value):
    response = client.post(
        _url("hour_create", organisation),
        {"person": admin.pk, "activity": activity.pk, "date": YESTERDAY, "hours": value},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["hours"]
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize("text", ["Møte\nBcc: x@example.com", "Møte\x00", "a\u2028b", "a\x85b"])
def test_control_characters_in_a_one_line_description_are_a_field_error(
    client, organisation, admin, activity, text
):
    response = client.post(
        _url("hour_create", organisation),
        {
            "person": admin.pk,
            "activity": activity.pk,
            "date": YESTERDAY,
            "hours": "1",
            "description": text,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize("total", ["sNaN", "NaN", "Infinity", "1e1000000", "9.5\x00", "９.5"])
def test_a_hostile_confirmation_total_is_refused_with_a_message(
    client, organisation, admin, activity, total
):
    period = ReportingPeriodFactory(
        start_date=YESTERDAY - datetime.timedelta(days=1),
        end_date=YESTERDAY,
        deadline=TODAY + datetime.timedelta(days=30),
    )
    HourEntry.objects.create(
        organisation=organisation, person=admin, activity=activity, date=YESTERDAY, hours=2
    )
    response = client.post(
        _url("period_confirm", organisation, period_pk=period.pk), {"hours": total}
    )
    assert response.status_code == 200
    assert "reload the page" in response.content.decode()
    assert not PeriodConfirmation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_date", "0001-01-01"),
        ("end_date", "9999-12-31"),
        ("planned_hours", "1e1000000"),
        ("planned_hours", "1_0"),
        ("title", "Verksted\r\nBcc: x@example.com"),
    ],
)
def test_a_hostile_proposal_is_a_field_error(client, organisation, field, value):
    client.force_login(member_of(organisation))
    data = {
        "title": "Batterisikkerhet",
        "kind": "workshop",
        "description": "En dag\nom brannsikkerhet.",
        "start_date": "2026-09-01",
        "end_date": "2026-09-02",
        "planned_hours": "40",
        field: value,
    }
    response = client.post(reverse("activities:propose"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "2026-1-1x"},
        {"person": "²", "activity": "1e3", "period": "1_0"},
    ],
)
def test_hostile_list_filters_are_refused_quietly(client, organisation, admin, query):
    response = client.get(_url("hour_list", organisation), query)
    assert response.status_code == 200
    assert response.context["filter"].form.errors


@pytest.mark.parametrize("name", ["hour_list", "hour_week", "hour_export_csv", "hour_export_xlsx"])
def test_a_nul_byte_in_a_query_parameter_is_a_400(client, organisation, admin, name):
    for query in ("week=2026-W1%00", "person=%00", "date_from=%00", "activity=%00"):
        assert client.get(f"{_url(name, organisation)}?{query}").status_code == 400


# --- Importing a file -------------------------------------------------------------------------


def _import(client, organisation, name, content):
    return client.post(
        _url("hour_import", organisation), {"file": SimpleUploadedFile(name, content)}
    )


def test_a_one_row_comma_file_whose_text_has_a_comma_is_imported(
    client, organisation, admin, activity
):
    content = (
        "date,email,activity_id,hours,description\n"
        f'{YESTERDAY.isoformat()},ola@fjordcelle.no,{activity.pk},1.5,"Møte, med lunsj"\n'
    )
    response = _import(client, organisation, "timer.csv", content.encode())
    assert response.status_code == 302
    assert HourEntry.objects.get().description == "Møte, med lunsj"


def test_a_semicolon_file_with_commas_in_the_text_and_decimals_is_imported(
    client, organisation, admin, activity
):
    content = (
        "date;email;activity_id;hours;description\n"
        f"{YESTERDAY.isoformat()};ola@fjordcelle.no;{activity.pk};1,5;Møte, med lunsj\n"
    )
    assert _import(client, organisation, "timer.csv", content.encode()).status_code == 302
    assert HourEntry.objects.get().description == "Møte, med lunsj"


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"description": "Møte\x00"}, "control characters"),
        ({"description": "Møte\x1b[31m"}, "control characters"),
        ({"hours": "1e-2000000"}, "Enter hours as a number"),
        ({"hours": "²"}, "Enter hours as a number"),
        ({"date": "0001-01-01"}, "Enter a date between"),
        ({"date": "31.12.9999"}, "Enter a date between"),
        ({"activity_id": "１"}, "does not take part"),
    ],
)
def test_a_hostile_cell_in_an_imported_file_is_a_row_error(
    client, organisation, admin, activity, cells, message
):
    row = {
        "date": YESTERDAY.isoformat(),
        "email": "ola@fjordcelle.no",
        "activity_id": str(activity.pk),
        "hours": "1",
        "description": "ok",
        **cells,
    }
    content = "date;email;activity_id;hours;description\n" + ";".join(row.values()) + "\n"
    response = _import(client, organisation, "timer.csv", content.encode())
    assert response.status_code == 200
    [rejected] = response.context["rejected"]
    assert message in " ".join(rejected.messages)
    assert not HourEntry.objects.exists()


def test_an_oversized_csv_field_is_a_clear_file_error(client, organisation, admin, activity):
    huge = "x" * 200_000  # over csv.field_size_limit() and the line limit
    content = f'date;email;activity_id;hours;description\n2026-01-01;a;1;1;"{huge}"\n'
    response = _import(client, organisation, "timer.csv", content.encode())
    assert response.status_code == 200
    assert "Line 2 is longer than" in str(response.context["form"].errors["file"])
    assert not HourEntry.objects.exists()


def test_an_unclosed_quote_is_a_clear_file_error(client, organisation, admin, activity):
    content = 'date;email;activity_id;hours;description\n2026-01-01;a;1;1;"open\n'
    response = _import(client, organisation, "timer.csv", content.encode())
    assert response.status_code == 200
    assert "cannot be read" in str(response.context["form"].errors["file"])


def _workbook_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook (from openpyxl) whose first sheet is replaced by ``sheet_xml``."""
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(list(imports.COLUMNS))
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(member.filename, data)
    return output.getvalue()


def _sheet(rows: int, *, dimension: str | None) -> bytes:
    header = "".join(
        f'<c r="{column}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for column, name in zip("ABCDE", imports.COLUMNS, strict=True)
    )
    body = "<row><c><v>1</v></c></row>" * rows  # positions are optional in the format
    dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'{dimension_xml}<sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
    ).encode()


def test_a_workbook_declaring_600000_rows_is_refused_before_reading_them():
    content = _workbook_with_sheet(_sheet(600_000, dimension="A1:E600001"))
    reader = imports.TableReader(content=content, filename="timer.xlsx")
    with pytest.raises(ValidationError, match="at most 5000 rows"):
        reader.rows()
    assert reader.rows_read == 0


def test_a_workbook_hiding_its_rows_is_refused_at_the_limit():
    # No <dimension>: the sheet does not say how big it is, so reading stops at the limit.
    content = _workbook_with_sheet(_sheet(200_000, dimension=None))
    reader = imports.TableReader(content=content, filename="timer.xlsx")
    with pytest.raises(ValidationError, match="at most 5000 rows"):
        reader.rows()
    assert reader.rows_read <= imports.MAX_ROWS + 2


def test_a_workbook_larger_than_20_mb_uncompressed_is_refused_before_openpyxl_opens_it(
    client, organisation, admin
):
    padding = b" " * (imports.MAX_UNCOMPRESSED_BYTES + 1)
    sheet = _sheet(1, dimension="A1:E2").replace(b"<sheetData>", padding + b"<sheetData>")
    content = _workbook_with_sheet(sheet)
    assert len(content) < 1024 * 1024  # small on the wire, like the 362 KB file of the issue
    response = _import(client, organisation, "timer.xlsx", content)
    assert response.status_code == 200
    assert re.search(r"more than 20 MB", str(response.context["form"].errors["file"]))
    assert not HourEntry.objects.exists()


def test_a_file_that_is_no_workbook_is_a_clear_error(client, organisation, admin):
    response = _import(client, organisation, "timer.xlsx", b"PK\x03\x04 not really a zip")
    assert response.status_code == 200
    assert "could not be read" in str(response.context["form"].errors["file"])


# --- Database constraints ---------------------------------------------------------------------


def test_a_database_constraint_is_never_shown_by_its_name(staff_client):
    response = staff_client.post(
        reverse("admin:activities_hourlyrate_add"), {"year": "2026", "rate": "0"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "rate_positive" not in content
    assert "The hourly rate must be more than 0." in content


def test_a_period_whose_deadline_is_before_its_end_names_no_constraint(staff_client):
    response = staff_client.post(
        reverse("admin:activities_reportingperiod_add"),
        {
            "name": "2026 Q1",
            "start_date": "2026-01-01",
            "end_date": "2026-03-31",
            "deadline": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert "deadline_after_period" not in response.content.decode()
