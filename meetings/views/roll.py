"""The voting roll (manntall): every organisation with its standing and reason, the fingerprint,
the secretariat's changes, what changed since last year, and its CSV, Excel and PDF files."""

from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from meetings.models import RollChange, Standing
from meetings.rendering import roll_pdf
from meetings.selectors import roll as roll_selectors
from meetings.views.mixins import MeetingPageMixin
from meetings.views.standing import difference_lines, standing_lines
from portal.exports import attachment, csv_response, xlsx_response


class RollView(MeetingPageMixin, TemplateView):
    template_name = "meetings/roll.html"

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        lines = sorted(
            roll_selectors.roll_lines(meeting),
            key=lambda line: (line.organisation.name.casefold(), line.organisation.pk),
        )
        counts = roll_selectors.roll_counts(lines)
        comparison = roll_selectors.roll_changes_since_previous(meeting)
        return super().get_context_data(
            voters=standing_lines([line for line in lines if line.standing == Standing.VOTER]),
            observers=standing_lines(
                [line for line in lines if line.standing == Standing.OBSERVER]
            ),
            not_on_roll=standing_lines([line for line in lines if line.standing == Standing.NONE]),
            counts={
                "voters": counts[Standing.VOTER],
                "observers": counts[Standing.OBSERVER],
                "none": counts[Standing.NONE],
            },
            changes=list(
                RollChange.objects.filter(meeting=meeting).select_related(
                    "organisation", "changed_by"
                )
            ),
            previous=comparison.previous,
            added=difference_lines(comparison.added),
            removed=difference_lines(comparison.removed),
            changed=difference_lines(comparison.changed),
            **kwargs,
        )


def roll_filename(meeting, extension: str) -> str:
    return _("voting-roll-%(year)s.%(extension)s") % {
        "year": meeting.year,
        "extension": extension,
    }


class RollExportView(MeetingPageMixin, View):
    """The roll as CSV or Excel (``file_format`` from the URL), through ``portal.exports``."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        meeting = self.meeting
        header = roll_selectors.roll_export_header()
        rows = roll_selectors.roll_export_rows(meeting)
        if kwargs.get("file_format", self.file_format) == "xlsx":
            return xlsx_response(
                header,
                rows,
                filename=roll_filename(meeting, "xlsx"),
                sheet_title=_("Voting roll %(year)s") % {"year": meeting.year},
            )
        return csv_response(header, rows, filename=roll_filename(meeting, "csv"))


class RollPdfView(MeetingPageMixin, View):
    def get(self, request, *args, **kwargs):
        return attachment(
            roll_pdf(self.meeting),
            content_type="application/pdf",
            filename=roll_filename(self.meeting, "pdf"),
        )
