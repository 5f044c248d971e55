"""The meeting's printable documents (WeasyPrint): the agenda sent with the notice and the
voting roll. Both in the meeting's language, Norwegian bokmål (``LANGUAGE_CODE``)."""

import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from meetings.models import AnnualMeeting, Standing
from meetings.selectors.roll import roll_canonical_of, roll_counts, roll_lines


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 -- slow to import; only PDF rendering needs it

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, {**context, "generated_at": timezone.now()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def agenda_pdf(meeting: AnnualMeeting) -> bytes:
    """The agenda (sakliste) with the meeting's date, place, deadlines and roll fingerprint."""
    items = list(meeting.agenda.prefetch_related("candidates").order_by("position"))
    return _pdf("meetings/pdf/agenda.html", {"meeting": meeting, "items": items})


def roll_pdf(meeting: AnnualMeeting) -> bytes:
    """The voting roll as it stands (stored once frozen), by organisation name, with the
    counts and the fingerprint."""
    lines = sorted(
        roll_lines(meeting), key=lambda line: (line.organisation.name, line.organisation.pk)
    )
    counts = roll_counts(lines)
    return _pdf(
        "meetings/pdf/roll.html",
        {
            "meeting": meeting,
            "lines": lines,
            "voters": counts[Standing.VOTER],
            "observers": counts[Standing.OBSERVER],
            "fingerprint": hashlib.sha256(roll_canonical_of(lines)).hexdigest(),
        },
    )
