"""The room's projector: the current item, presence, votes represented, the quorum light, the
turnout while a poll is open and the result once it closes, full-screen and in large type."""

from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View

from meetings.views.live import live_state
from meetings.views.mixins import MeetingPageMixin
from meetings.views.polls import REFRESH_SECONDS


@method_decorator(never_cache, name="dispatch")
class ProjectorView(MeetingPageMixin, View):
    def get(self, request, *args, **kwargs):
        context = {
            "meeting": self.meeting,
            "state": live_state(self.meeting),
            "refresh_seconds": REFRESH_SECONDS,
        }
        return render(request, "meetings/projector.html", context)
