"""The members-only participant directory."""

from django.views.generic import ListView

from members import selectors
from members.filters import DirectoryFilter
from portal import page_cache
from portal.list_views import FilteredListMixin
from portal.permissions import MembersOnlyMixin


class DirectoryView(MembersOnlyMixin, page_cache.CachedFirstPageMixin, FilteredListMixin, ListView):
    page_cache_name = page_cache.DIRECTORY
    template_name = "members/directory.html"
    context_object_name = "participants"
    paginate_by = 20
    filterset_class = DirectoryFilter

    def get_base_queryset(self):
        return selectors.directory_participants()
