"""Hour entries as CSV or Excel, in the same columns the import reads (plus names)."""

import csv
import io

from django.utils.translation import gettext as _

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


def _rows(entries):
    for entry in entries:
        yield (
            entry.date.isoformat(),
            entry.person.email,
            entry.activity_id,
            entry.hours,
            entry.description,
            entry.person.get_full_name(),
            entry.activity.title,
            entry.organisation.name,
        )


def hours_csv(entries) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(_rows(entries))
    return buffer.getvalue()


def hours_xlsx(entries) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hours"))
    sheet.append(HEADER)
    for row in _rows(entries):
        sheet.append([float(value) if index == 3 else value for index, value in enumerate(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> str:
    """The import template: the columns, with one example row."""
    return "date;email;activity_id;hours;description\n2026-03-02;ola@example.no;12;1,5;Workshop\n"
