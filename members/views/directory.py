"""The members-only participant directory."""

from django.views.generic import ListView

from members import selectors
from members.filters import DirectoryFilter
from portal.permissions import MembersOnlyMixin


class DirectoryView(MembersOnlyMixin, ListView):
    template_name = "members/directory.html"
    context_object_name = "participants"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = DirectoryFilter(
            self.request.GET or None, queryset=selectors.directory_participants()
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)
