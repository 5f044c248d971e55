"""Hour entries as CSV or Excel, in the same columns the import reads (plus names).

The files are written by ``portal.exports``, which keeps a hostile description from becoming a
formula in a spreadsheet. The rows are read as plain values in chunks (no model objects), and
the downloads stream, so an organisation's 48,000 entries take no more memory than 2,000.
"""

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from portal import exports

HEADER = (
    "date",
    "email",
    "activity_id",
    "hours",
    "description",
    "person",
    "activity",
    "organisation",
)
TEMPLATE_HEADER = HEADER[:5]
TEMPLATE_EXAMPLE = ("2026-03-02", "ola@example.no", "12", "1,5", "Workshop")
# The delimiter the import template declares (the import reads ";" and ",").
DELIMITER = ";"


# Rows read per round trip to the database (a server-side cursor on PostgreSQL).
CHUNK_SIZE = 2000


def _rows(entries: QuerySet):
    """The entries' columns as plain values, read in chunks in the queryset's order."""
    return (
        entries.annotate(
            # The person's full name, else the email (as ``User.get_full_name``).
            person_name=Coalesce(
                NullIf(F("person__full_name"), Value("")),
                F("person__email"),
                output_field=CharField(),
            )
        )
        .values_list(
            "date",
            "person__email",
            "activity_id",
            "hours",
            "description",
            "person_name",
            "activity__title",
            "organisation__name",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )


def hours_csv(entries) -> str:
    return exports.csv_text(HEADER, _rows(entries), delimiter=DELIMITER)


def hours_xlsx(entries) -> bytes:
    return exports.xlsx_bytes(HEADER, _rows(entries), sheet_title=_("Hours"))


def hours_response(
    entries: QuerySet, *, file_format: str, filename: str
) -> StreamingHttpResponse | FileResponse:
    """A streamed download of ``entries`` as ``csv`` or ``xlsx``."""
    if file_format == "xlsx":
        return exports.xlsx_stream_response(
            HEADER, _rows(entries), filename=filename, sheet_title=_("Hours")
        )
    return exports.csv_stream_response(
        HEADER, _rows(entries), filename=filename, delimiter=DELIMITER
    )


def template_csv() -> str:
    """The import template: the columns, with one example row."""
    return exports.csv_text(TEMPLATE_HEADER, [TEMPLATE_EXAMPLE], delimiter=DELIMITER)


def template_response() -> HttpResponse:
    return exports.attachment(
        template_csv(),
        content_type=exports.CSV_CONTENT_TYPE,
        filename="hours-import-template.csv",
    )
