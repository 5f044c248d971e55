"""Staff two-factor enrolment: the "check your e-mail" page and the e-mailed one-time link.

The middleware sends a staff account without TOTP here (where two-factor is required); the link
opens allauth's TOTP set-up for this session only. The rules live in ``portal.two_factor``.
"""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from portal import two_factor


@method_decorator(never_cache, name="dispatch")
class StaffEnrolmentView(LoginRequiredMixin, View):
    """Says where the link goes; a button (rate-limited) sends a new one."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not two_factor.needs_enrolment(request.user):
            return redirect("portal:home")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page()

    def post(self, request):
        refused = ratelimit.consume_or_429(
            request, action="staff_enrolment_link", user=request.user
        )
        if refused:
            return refused
        try:
            address = two_factor.staff_enrolment_link_send(user=request.user)
        except ValidationError as error:
            return self.page(error=error.messages[0], status=400)
        messages.success(request, _("We sent an enrolment link to %(email)s.") % {"email": address})
        return redirect("portal:staff_enrolment")

    def page(self, error: str = "", status: int = 200):
        context = {
            "address": two_factor.verified_address(self.request.user),
            "error": error,
            "valid_minutes": int(two_factor.LINK_VALID.total_seconds() // 60),
        }
        return render(self.request, "portal/staff_enrolment.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class StaffEnrolmentLinkView(LoginRequiredMixin, View):
    """Opening the link shows a button; posting it spends the link (prefetchers only GET)."""

    def get(self, request, token):
        if not two_factor.staff_enrolment_link_check(user=request.user, token=token):
            return self.unusable()
        return render(request, "portal/staff_enrolment_link.html", {"usable": True})

    def post(self, request, token):
        try:
            two_factor.staff_enrolment_link_use(
                user=request.user, token=token, session=request.session
            )
        except ValidationError:
            return self.unusable()
        return redirect("mfa_activate_totp")

    def unusable(self):
        return render(
            self.request, "portal/staff_enrolment_link.html", {"usable": False}, status=410
        )
