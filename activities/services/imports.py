"""Import hour entries from CSV or Excel: the whole file is checked first; all or nothing.

A CSV file is UTF-8 with the delimiter the first line uses: ``;`` as the template declares
(``activities.exports.DELIMITER``), or ``,``. No guessing from the data: a comma inside a
description is text. Reading is bounded before anything is parsed: the number of rows
(``MAX_ROWS``), the length of a line (``MAX_LINE_CHARS``) and of a cell, and for a workbook
the uncompressed size of the whole file (``MAX_UNCOMPRESSED_BYTES``, from the zip directory
before openpyxl opens it) and the sheet's declared dimensions. Dates and numbers are read by
``portal.parsing``, the same grammar as the bank file's.
"""

import csv
import datetime
import io
import zipfile
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import Activity, HourEntry
from activities.services.hours import EntryData, entry_errors, parse_hours, person_hours_on
from members.models import Organisation, User
from portal import parsing
from portal.imports import FileRejectedError, LineError

COLUMNS = ("date", "email", "activity_id", "hours", "description")
DELIMITERS = (";", ",")
MAX_ROWS = 5000
MAX_COLUMNS = 20
MAX_LINE_CHARS = 4000  # five columns; a description holds at most 300 characters
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
DESCRIPTION_MAX_LENGTH = HourEntry._meta.get_field("description").max_length


def read_rows(*, content: bytes, filename: str) -> list[dict]:
    """Rows of a CSV (comma or semicolon, UTF-8) or .xlsx file as dicts keyed by ``COLUMNS``."""
    return TableReader(content=content, filename=filename).rows()


class TableReader:
    """Reads an uploaded table within the limits; ``rows_read`` says how far it read."""

    def __init__(self, *, content: bytes, filename: str):
        self.content = content
        self.filename = filename.lower()
        self.rows_read = 0

    def rows(self) -> list[dict]:
        if self.filename.endswith(".xlsx"):
            return _rows_from(self._excel_table())
        if self.filename.endswith(".csv"):
            return _rows_from(self._csv_table())
        raise ValidationError(_("Upload a .csv or .xlsx file."))

    def _too_many_rows(self) -> ValidationError:
        return ValidationError(_("A file can hold at most %(max)s rows.") % {"max": MAX_ROWS})

    def _keep(self, table: list[list], row: list) -> None:
        """Collect a non-empty row; refuse the file at the first row over the limit."""
        self.rows_read += 1
        if any(str(cell).strip() for cell in row):
            if len(table) > MAX_ROWS:  # the header plus MAX_ROWS rows are already kept
                raise self._too_many_rows()
            table.append(row)
        elif self.rows_read > 2 * MAX_ROWS:  # empty rows count too, or reading never ends
            raise self._too_many_rows()

    def _csv_table(self) -> list[list]:
        try:
            text = self.content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The CSV file must be saved as UTF-8.")) from None
        lines = text.splitlines(keepends=True)
        for number, line in enumerate(lines, start=1):
            if len(line) > MAX_LINE_CHARS:
                raise ValidationError(
                    _("Line %(line)s is longer than %(max)s characters.")
                    % {"line": number, "max": MAX_LINE_CHARS}
                )
        header_line = next((line for line in lines if line.strip()), "")
        delimiter = ";" if ";" in header_line or "," not in header_line else ","
        table: list[list] = []
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            for row in reader:
                self._keep(table, row)
        except csv.Error:
            raise ValidationError(
                _("Line %(line)s of the CSV file cannot be read (check its quotation marks).")
                % {"line": reader.line_num}
            ) from None
        return table

    def _excel_table(self) -> list[list]:
        from openpyxl import load_workbook  # noqa: PLC0415 -- slow to import; only Excel imports need it

        unreadable = ValidationError(_("The Excel file could not be read."))
        try:
            with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
                uncompressed = sum(member.file_size for member in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise unreadable from None
        if uncompressed > MAX_UNCOMPRESSED_BYTES:
            raise ValidationError(
                _("The Excel file holds more than %(max)s MB of data; split it into smaller files.")
                % {"max": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
            )
        try:
            workbook = load_workbook(io.BytesIO(self.content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a broken file)
            raise unreadable from None
        try:
            if not workbook.worksheets:
                raise unreadable
            sheet = workbook.worksheets[0]
            if (sheet.max_row or 0) > 2 * MAX_ROWS + 1:  # declared in the sheet's <dimension>
                raise self._too_many_rows()
            table: list[list] = []
            try:
                for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                    self._keep(table, ["" if cell is None else cell for cell in row])
            except ValidationError:
                raise
            except Exception:  # noqa: BLE001  (a broken sheet fails while it is read)
                raise unreadable from None
            return table
        finally:
            workbook.close()


def _rows_from(table: list[list]) -> list[dict]:
    if not table:
        raise ValidationError(_("The file is empty."))
    header = [str(cell).strip().lower() for cell in table[0]]
    missing = [column for column in COLUMNS[:4] if column not in header]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    return [
        {name: row[index] if index < len(row) else "" for index, name in enumerate(header)}
        for row in table[1:]
    ]


def _cell_text(value) -> str:
    return value if isinstance(value, str) else str(value)


def hours_import(*, organisation: Organisation, rows: list[dict], created_by: User) -> int:
    """Check every row, then save all of them in one transaction, or none.

    Raises ``portal.imports.FileRejectedError`` listing every bad row (line numbers as in the
    file, header = 1).
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
    errors: list[LineError] = []
    entries: list[EntryData] = []
    file_day_hours: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
    existing_day_hours: dict[tuple[int, datetime.date], Decimal] = {}
    for line, row in enumerate(rows, start=2):
        messages = []
        person = people.get(_cell_text(row.get("email", "")).strip().lower())
        if person is None:
            messages.append(_("No person with this e-mail address in your organisation."))
        activity_id = _cell_text(row.get("activity_id", "")).strip().removesuffix(".0")
        try:
            activity = activities.get(
                parsing.parse_integer(activity_id, max_value=parsing.INTEGER_MAX)
            )
        except ValidationError:
            activity = None
        if activity is None:
            messages.append(_("Your organisation does not take part in this activity."))
        try:
            date = parsing.parse_date(row.get("date", ""))
        except ValidationError as error:
            messages.extend(error.messages)
            date = None
        description = _cell_text(row.get("description", "")).strip()
        try:
            parsing.validate_one_line(description)
        except ValidationError as error:
            messages.extend(error.messages)
        if len(description) > DESCRIPTION_MAX_LENGTH:
            messages.append(
                _("The description is longer than %(max)s characters.")
                % {"max": DESCRIPTION_MAX_LENGTH}
            )
        try:
            hours = parse_hours(row.get("hours", ""))
        except ValidationError as error:
            messages.extend(error.messages)
            hours = None
        if not messages:
            key = (person.pk, date)
            if key not in existing_day_hours:
                existing_day_hours[key] = person_hours_on(person, date)
            data = EntryData(organisation, person, activity, date, hours, description)
            found = entry_errors(
                data, other_hours_that_day=existing_day_hours[key] + file_day_hours[key]
            )
            messages.extend(message for field in found.values() for message in field)
            if not found:
                file_day_hours[key] += hours
                entries.append(data)
        if messages:
            errors.append(LineError(line, messages))
    if errors:
        raise FileRejectedError(errors)
    return entries
