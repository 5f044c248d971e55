"""Hour entries as CSV or Excel, in the same columns the import reads (plus names).

The files are written by ``portal.exports``, which keeps a hostile description from becoming a
formula in a spreadsheet.
"""

from django.http import HttpResponse
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


def _rows(entries):
    for entry in entries:
        yield (
            entry.date,
            entry.person.email,
            entry.activity_id,
            entry.hours,
            entry.description,
            entry.person.get_full_name(),
            entry.activity.title,
            entry.organisation.name,
        )


def hours_csv(entries) -> str:
    return exports.csv_text(HEADER, _rows(entries), delimiter=DELIMITER)


def hours_xlsx(entries) -> bytes:
    return exports.xlsx_bytes(HEADER, _rows(entries), sheet_title=_("Hours"))


def hours_response(entries, *, file_format: str, filename: str) -> HttpResponse:
    """A download of ``entries`` as ``csv`` or ``xlsx``."""
    if file_format == "xlsx":
        return exports.xlsx_response(
            HEADER, _rows(entries), filename=filename, sheet_title=_("Hours")
        )
    return exports.csv_response(HEADER, _rows(entries), filename=filename, delimiter=DELIMITER)


def template_csv() -> str:
    """The import template: the columns, with one example row."""
    return exports.csv_text(TEMPLATE_HEADER, [TEMPLATE_EXAMPLE], delimiter=DELIMITER)


def template_response() -> HttpResponse:
    return exports.attachment(
        template_csv(),
        content_type=exports.CSV_CONTENT_TYPE,
        filename="hours-import-template.csv",
    )
