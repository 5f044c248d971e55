from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from members.models import User
from portal.client_address import client_address


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts come from an approved application or an invitation."""

    def is_open_for_signup(self, request):
        return False

    def clean_email(self, email):
        """allauth's e-mail fields have no length limit; the address columns hold 254."""
        limit = User._meta.get_field("email").max_length
        if len(email) > limit:
            raise ValidationError(
                _("An e-mail address has at most %(max)s characters.") % {"max": limit}
            )
        return super().clean_email(email)

    def get_client_ip(self, request):
        """The address allauth's rate limits key on: X-Forwarded-For only via trusted proxies."""
        address = client_address(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address
