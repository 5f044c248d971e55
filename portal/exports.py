"""Every spreadsheet the portal hands out (CSV or Excel) is written here, and only here.

A text cell that a spreadsheet would read as a formula is neutralised as OWASP's "CSV
injection" page describes: a value whose first character (or first after leading whitespace)
is ``=``, ``+``, ``-`` or ``@`` (or their full-width forms), or that starts with a tab or a
carriage return, gets a single quote in front, so it stays text ("'=HYPERLINK(…)"). In a CSV
file every field is also quoted. Numbers and dates are never touched: they stay real numbers
and dates in Excel (a negative amount is a number, not text), and plain digits in the CSV.

Callers pass a header and rows of Python values (str, int, Decimal, float, date, None);
``csv_response``/``xlsx_response`` wrap the file in a download.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet starts a formula with one of these (full-width forms too, as some locales do).
FORMULA_PREFIXES = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# These before anything else also start a formula (or hide one) in some spreadsheets.
CONTROL_PREFIXES = frozenset("\t\r\n")
NUMBERS = (int, float, Decimal)

Row = Sequence[object]


def neutralise(text: str) -> str:
    """``text`` as it may stand in a spreadsheet cell: with a quote in front if it is a formula."""
    if not text:
        return text
    if text[0] in CONTROL_PREFIXES or text.lstrip()[:1] in FORMULA_PREFIXES:
        return "'" + text
    return text


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, NUMBERS):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def _xlsx_cell(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | Decimal | datetime.date):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415 -- slow to import; only Excel exports need it

    # Control characters a workbook cannot hold would make the whole download fail.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def csv_text(header: Row, rows: Iterable[Row], *, delimiter: str = ";") -> str:
    """A CSV file (every field quoted, CRLF line ends) of ``header`` and ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([_csv_cell(value) for value in header])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def xlsx_bytes(header: Row, rows: Iterable[Row], *, sheet_title: str) -> bytes:
    """An Excel workbook with one sheet of ``header`` and ``rows``."""
    from openpyxl import Workbook  # noqa: PLC0415 -- slow to import; only Excel exports need it

    workbook = Workbook(write_only=True)
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    title = "".join(c for c in str(sheet_title) if c not in "[]:*?/\\")[:31] or "Sheet"
    sheet = workbook.create_sheet(title)
    sheet.append([_xlsx_cell(value) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(content: str | bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A download of ``content`` named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    safe_name = "".join(c for c in filename if c.isprintable() and c not in '"\\') or "export"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response


def csv_response(
    header: Row, rows: Iterable[Row], *, filename: str, delimiter: str = ";"
) -> HttpResponse:
    return attachment(
        csv_text(header, rows, delimiter=delimiter),
        content_type=CSV_CONTENT_TYPE,
        filename=filename,
    )


def xlsx_response(
    header: Row, rows: Iterable[Row], *, filename: str, sheet_title: str
) -> HttpResponse:
    return attachment(
        xlsx_bytes(header, rows, sheet_title=sheet_title),
        content_type=XLSX_CONTENT_TYPE,
        filename=filename,
    )
