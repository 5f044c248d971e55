"""Every spreadsheet the portal hands out (CSV or Excel) is written here, and only here.

A text cell that a spreadsheet would read as a formula is neutralised as OWASP's "CSV
injection" page describes: a value whose first character (or first after leading whitespace)
is ``=``, ``+``, ``-`` or ``@`` (or their full-width forms), or that starts with a tab or a
carriage return, gets a single quote in front, so it stays text ("'=HYPERLINK(…)"). In a CSV
file every field is also quoted. Numbers and dates are never touched: they stay real numbers
and dates in Excel (a negative amount is a number, not text), and plain digits in the CSV.

Callers pass a header and rows of Python values (str, int, Decimal, float, date, None).
``csv_response``/``xlsx_response`` wrap a small file in a download. A large export uses
``csv_stream_response``/``xlsx_stream_response``: memory stays flat in the number of rows. The
CSV is written in chunks as the rows are read (pass an iterator, e.g. ``values_list(...)
.iterator()``), so the download starts at once; the Excel file is written row by row by a
write-only workbook into a temporary file, which is then sent in blocks.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django_scopes import get_scope, scope

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet starts a formula with one of these (full-width forms too, as some locales do).
FORMULA_PREFIXES = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# These before anything else also start a formula (or hide one) in some spreadsheets.
CONTROL_PREFIXES = frozenset("\t\r\n")
NUMBERS = (int, float, Decimal)
# Rows per piece of a streamed CSV: large enough to keep the number of writes low.
CSV_CHUNK_ROWS = 500
# Bytes per block when a finished Excel file is sent.
FILE_BLOCK_SIZE = 64 * 1024

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


def csv_chunks(
    header: Row, rows: Iterable[Row], *, delimiter: str = ";", chunk_rows: int = CSV_CHUNK_ROWS
) -> Iterator[str]:
    """A CSV file (every field quoted, CRLF line ends) in pieces of ``chunk_rows`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([_csv_cell(value) for value in header])
    pending = 0
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
        pending += 1
        if pending == chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def csv_text(header: Row, rows: Iterable[Row], *, delimiter: str = ";") -> str:
    """A CSV file (every field quoted, CRLF line ends) of ``header`` and ``rows``."""
    return "".join(csv_chunks(header, rows, delimiter=delimiter))


def xlsx_write(header: Row, rows: Iterable[Row], *, sheet_title: str, target) -> None:
    """An Excel workbook with one sheet of ``header`` and ``rows``, written into ``target``
    (a path or a binary file) by a write-only workbook: rows are not kept in memory."""
    from openpyxl import Workbook  # noqa: PLC0415 -- slow to import; only Excel exports need it

    workbook = Workbook(write_only=True)
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    title = "".join(c for c in str(sheet_title) if c not in "[]:*?/\\")[:31] or "Sheet"
    sheet = workbook.create_sheet(title)
    sheet.append([_xlsx_cell(value) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    workbook.save(target)


def xlsx_bytes(header: Row, rows: Iterable[Row], *, sheet_title: str) -> bytes:
    """An Excel workbook with one sheet of ``header`` and ``rows``."""
    buffer = io.BytesIO()
    xlsx_write(header, rows, sheet_title=sheet_title, target=buffer)
    return buffer.getvalue()


def _safe_filename(filename: str) -> str:
    return "".join(c for c in filename if c.isprintable() and c not in '"\\') or "export"


def attachment(content: str | bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A download of ``content`` named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(filename)}"'
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


def _in_scope_of_the_view(chunks: Iterator[str]) -> Iterator[bytes]:
    """The chunks, encoded, each read inside the organisation scope the view had.

    A streamed body is read after the view (and the scope middleware) has returned, so the
    rows' query would otherwise run without the scope its view checked.
    """
    captured = get_scope()
    while True:
        with scope(**captured):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk.encode()


def csv_stream_response(
    header: Row, rows: Iterable[Row], *, filename: str, delimiter: str = ";"
) -> StreamingHttpResponse:
    """A CSV download written while ``rows`` are read (memory flat in the number of rows)."""
    chunks = csv_chunks(header, rows, delimiter=delimiter)
    response = StreamingHttpResponse(_in_scope_of_the_view(chunks), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(filename)}"'
    return response


def xlsx_stream_response(
    header: Row, rows: Iterable[Row], *, filename: str, sheet_title: str
) -> FileResponse:
    """An Excel download written row by row into a temporary file, then sent in blocks."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it when sent
    xlsx_write(header, rows, sheet_title=sheet_title, target=target)
    target.seek(0)
    response = FileResponse(
        target,
        as_attachment=True,
        filename=_safe_filename(filename),
        content_type=XLSX_CONTENT_TYPE,
    )
    response.block_size = FILE_BLOCK_SIZE
    return response
