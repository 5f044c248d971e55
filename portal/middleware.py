from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class StaffTwoFactorMiddleware:
    """Sends staff without TOTP to set it up before anything else, when the setting asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_totp(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up_totp(self, request) -> bool:
        if not settings.MFA_REQUIRED_FOR_STAFF:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        # Activating TOTP asks for the password again first, so that page must stay reachable.
        allowed = (
            reverse("mfa_index"),
            reverse("account_reauthenticate"),
            reverse("account_logout"),
            settings.STATIC_URL,
            "/i18n/",
        )
        if request.path.startswith(tuple("/" + p.lstrip("/") for p in allowed)):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
