from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404


class StaffRequiredMixin(LoginRequiredMixin):
    """The secretariat's invoicing pages; a 404 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
