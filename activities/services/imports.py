"""Import hour entries from CSV or Excel: the whole file is checked first; all or nothing."""

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import Activity, HourEntry
from activities.services.hours import EntryData, entry_errors, parse_hours, person_hours_on
from members.models import Organisation, User

COLUMNS = ("date", "email", "activity_id", "hours", "description")
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
MAX_ROWS = 5000


@dataclass
class RowError:
    line: int
    messages: list[str]


class ImportRejectedError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


def read_rows(*, content: bytes, filename: str) -> list[dict]:
    """Rows of a CSV (comma or semicolon, UTF-8) or .xlsx file as dicts keyed by ``COLUMNS``."""
    if filename.lower().endswith(".xlsx"):
        return _read_excel(content)
    if filename.lower().endswith(".csv"):
        return _read_csv(content)
    raise ValidationError(_("Upload a .csv or .xlsx file."))


def _read_csv(content: bytes) -> list[dict]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The CSV file must be saved as UTF-8.")) from None
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;") if text.strip() else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return _rows_from(list(reader))


def _read_excel(content: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a broken file)
        raise ValidationError(_("The Excel file could not be read.")) from None
    sheet = workbook.worksheets[0]
    rows = [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]
    return _rows_from(rows)


def _rows_from(table: list[list]) -> list[dict]:
    table = [row for row in table if any(str(cell).strip() for cell in row)]
    if not table:
        raise ValidationError(_("The file is empty."))
    header = [str(cell).strip().lower() for cell in table[0]]
    missing = [column for column in COLUMNS[:4] if column not in header]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("A file can hold at most %(max)s rows.") % {"max": MAX_ROWS})
    return [
        {name: row[index] if index < len(row) else "" for index, name in enumerate(header)}
        for row in table[1:]
    ]


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(str(value).strip(), date_format).date()
        except ValueError:
            continue
    raise ValidationError(_("Write the date as YYYY-MM-DD or DD.MM.YYYY."))


def hours_import(*, organisation: Organisation, rows: list[dict], created_by: User) -> int:
    """Check every row, then save all of them in one transaction, or none.

    Raises ``ImportRejectedError`` listing every bad row (line numbers as in the file, header = 1).
    """
    people = {
        user.email.lower(): user
        for user in User.objects.filter(organisation_roles__organisation=organisation)
    }
    activities = {
        activity.pk: activity
        for activity in Activity.objects.filter(participations__organisation=organisation)
    }
    with transaction.atomic():
        # Lock the organisation's people so no concurrent entry breaks a 24-hour day meanwhile.
        list(User.objects.select_for_update().filter(pk__in=[user.pk for user in people.values()]))
        entries = _checked_entries(organisation, rows, people, activities)
        HourEntry.objects.bulk_create(
            HourEntry(
                organisation=organisation,
                person=data.person,
                activity=data.activity,
                date=data.date,
                hours=data.hours,
                description=data.description,
                created_by=created_by,
            )
            for data in entries
        )
    return len(entries)


def _checked_entries(organisation, rows, people, activities) -> list[EntryData]:
    errors: list[RowError] = []
    entries: list[EntryData] = []
    file_day_hours: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
    existing_day_hours: dict[tuple[int, datetime.date], Decimal] = {}
    for line, row in enumerate(rows, start=2):
        messages = []
        person = people.get(str(row.get("email", "")).strip().lower())
        if person is None:
            messages.append(_("No person with this e-mail address in your organisation."))
        activity_id = str(row.get("activity_id", "")).strip().removesuffix(".0")
        activity = activities.get(int(activity_id)) if activity_id.isdigit() else None
        if activity is None:
            messages.append(_("Your organisation does not take part in this activity."))
        try:
            date = _parse_date(row.get("date", ""))
        except ValidationError as error:
            messages.extend(error.messages)
            date = None
        try:
            hours = parse_hours(row.get("hours", ""))
        except ValidationError as error:
            messages.extend(error.messages)
            hours = None
        if not messages:
            key = (person.pk, date)
            if key not in existing_day_hours:
                existing_day_hours[key] = person_hours_on(person, date)
            data = EntryData(
                organisation, person, activity, date, hours, str(row.get("description", ""))[:300]
            )
            found = entry_errors(
                data, other_hours_that_day=existing_day_hours[key] + file_day_hours[key]
            )
            messages.extend(message for field in found.values() for message in field)
            if not found:
                file_day_hours[key] += hours
                entries.append(data)
        if messages:
            errors.append(RowError(line, messages))
    if errors:
        raise ImportRejectedError(errors)
    return entries
