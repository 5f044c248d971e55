from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from portal import two_factor
from portal.client_address import client_address


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, recording the client address read through trusted proxies.

    The original trusts the left-most X-Forwarded-For entry, which any client can write.
    """

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_address(request)


class StaffTwoFactorMiddleware:
    """Withholds staff rights from staff without TOTP, where two-factor is required for staff.

    Such an account's request user loses ``is_staff``/``is_superuser`` and its permission cache
    for this request only (never saved, see ``_withhold_staff_rights``), so the admin, staff
    views and permission predicates all see an ordinary account. Every page but the enrolment
    pages, sign-out and reauthentication leads to the "check your e-mail" page; allauth's TOTP
    set-up opens only in a session that used an e-mailed enrolment link.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if two_factor.needs_enrolment(user):
            _withhold_staff_rights(user)
            if not self._allowed(request, user):
                return redirect("portal:staff_enrolment")
        return self.get_response(request)

    def _allowed(self, request, user) -> bool:
        # Reauthentication (asked before TOTP set-up) and sign-out must stay reachable.
        always = (
            reverse("portal:staff_enrolment"),
            reverse("account_reauthenticate"),
            reverse("account_logout"),
            settings.STATIC_URL,
            "/i18n/",
        )
        path = request.path
        if path.startswith(tuple("/" + p.lstrip("/") for p in always)):
            return True
        return path == reverse("mfa_activate_totp") and two_factor.enrolment_granted(
            user=user, session=request.session
        )


_STAFF_FLAGS = ("is_staff", "is_superuser")


def _withhold_staff_rights(user) -> None:
    """Clear the staff flags on this in-memory user; a save of it never writes them."""
    setattr(user, two_factor.DEMOTED_ATTRIBUTE, True)
    user.is_staff = user.is_superuser = False
    user._perm_cache = set()  # ModelBackend: no model permissions from groups either
    user._user_perm_cache = set()
    user._group_perm_cache = set()
    original_save = user.save

    def save(*args, update_fields=None, **kwargs):
        if update_fields is None:
            update_fields = [
                field.name
                for field in user._meta.concrete_fields
                if not field.primary_key and field.name not in _STAFF_FLAGS
            ]
        else:
            update_fields = [name for name in update_fields if name not in _STAFF_FLAGS]
        return original_save(*args, update_fields=update_fields, **kwargs)

    user.save = save
