"""Who may open the meeting pages (``portal.permissions`` and ``portal.rules``).

Every meeting page takes the meeting's ``year`` from the URL. A draft meeting exists only for
the secretariat: anyone else gets a 404, as for a year without a meeting.
"""

from django.http import Http404
from django.utils.functional import cached_property

from meetings.models import AnnualMeeting, MeetingStatus
from portal import rules
from portal.permissions import MembersOnlyMixin, OrganisationPermissionMixin


def meeting_for(user, year: int) -> AnnualMeeting:
    meeting = AnnualMeeting.objects.filter(year=year).first()
    if meeting is None:
        raise Http404
    if meeting.status == MeetingStatus.DRAFT and not rules.allowed(user, "portal.staff"):
        raise Http404
    return meeting


class MeetingMixin:
    """Loads ``self.meeting`` from the URL kwarg ``year`` (once, after the permission check)."""

    @cached_property
    def meeting(self) -> AnnualMeeting:
        return meeting_for(self.request.user, self.kwargs["year"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("meeting", self.meeting)
        kwargs.setdefault("is_staff", rules.allowed(self.request.user, "portal.staff"))
        return super().get_context_data(**kwargs)


class MeetingPageMixin(MeetingMixin, MembersOnlyMixin):
    """The members-only meeting pages: people of active participants, steering group, staff."""

    permission_required = "meetings.view_meeting"


class MeetingOrganisationMixin(MeetingMixin, OrganisationPermissionMixin):
    """One organisation's part in the meeting (URL kwargs ``year`` and ``pk``): its admins
    only by default; another organisation's id is a 404."""

    permission_required = "meetings.represent_organisation"
