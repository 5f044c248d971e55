"""The minutes (protokoll): the versions, their PDFs, and the officers' approval.

Everyone who may view the meeting sees the approved versions and downloads their PDFs; the
drafts (what the officers approve) are for the chair, the co-signers and the secretariat only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from meetings.forms import MinutesApproveForm
from meetings.models import MeetingOfficer, Minutes
from meetings.selectors.minutes import meeting_officer, minutes_signatures, minutes_versions
from meetings.services.minutes import minutes_approve
from meetings.views.mixins import MeetingPageMixin
from portal import rules
from portal.service_errors import add_service_error


class MinutesMixin(MeetingPageMixin):
    """The meeting's chair and co-signers open the minutes pages even when they are not
    people of an active participant (a chair may come from outside the network)."""

    def check_permission(self):
        if self.request.user.is_authenticated and self.officer is not None:
            return None
        return super().check_permission()

    @cached_property
    def officer(self) -> MeetingOfficer | None:
        return meeting_officer(self.meeting, self.request.user)

    @property
    def sees_drafts(self) -> bool:
        return self.officer is not None or rules.allowed(self.request.user, "portal.staff")

    def version(self, number: int) -> Minutes:
        return get_object_or_404(Minutes, meeting=self.meeting, version=number)


class MinutesListView(MinutesMixin, TemplateView):
    template_name = "meetings/minutes.html"

    def get_context_data(self, **kwargs):
        versions = minutes_versions(self.meeting)
        latest = versions[0] if versions else None
        shown = versions if self.sees_drafts else [v for v in versions if v.approved_at]
        approved_by_me = set()
        if self.officer is not None:
            approved_by_me = set(self.officer.approvals.values_list("minutes_id", flat=True))
        return super().get_context_data(
            versions=shown,
            latest=latest,
            sees_drafts=self.sees_drafts,
            officer=self.officer,
            signatures=minutes_signatures(latest) if latest and self.sees_drafts else [],
            may_approve=(
                self.officer is not None
                and latest is not None
                and latest.approved_at is None
                and latest.pk not in approved_by_me
            ),
            awaiting_approval=latest is not None and latest.approved_at is None,
            **kwargs,
        )


class MinutesPdfView(MinutesMixin, View):
    """A version's approved PDF (``document="approved"``: everyone who may view the meeting),
    or its draft (``document="draft"``: officers and the secretariat)."""

    document = "approved"

    def get(self, request, *args, **kwargs):
        minutes = self.version(kwargs["version"])
        if self.document == "draft":
            if not self.sees_drafts:
                raise Http404
            stored, suffix = minutes.draft_pdf, "-utkast"
        else:
            stored, suffix = minutes.pdf, ""
        if not stored:
            raise Http404
        return FileResponse(
            stored.open("rb"),
            filename=f"protokoll-{self.meeting.year}-v{minutes.version}{suffix}.pdf",
            content_type="application/pdf",
        )


class MinutesApproveView(MinutesMixin, FormView):
    """The chair's and the co-signers' approval of one version; anyone else gets a 404."""

    template_name = "meetings/minutes_approve.html"
    form_class = MinutesApproveForm

    @cached_property
    def minutes(self) -> Minutes:
        if self.officer is None:
            raise Http404
        return self.version(self.kwargs["version"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            minutes=self.minutes,
            signatures=minutes_signatures(self.minutes),
            already_approved=self.officer.approvals.filter(minutes=self.minutes).exists(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            minutes_approve(minutes=self.minutes, user=self.request.user)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        self.minutes.refresh_from_db()
        if self.minutes.approved_at:
            messages.success(
                self.request, _("The minutes are approved by every officer and are the record.")
            )
        else:
            messages.success(self.request, _("Your approval is recorded."))
        return redirect("meetings:minutes", year=self.meeting.year)
