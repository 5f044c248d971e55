import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User
from portal.client_address import client_address
from portal.mail import mail_language, mail_queue, site_url

SITE_NAME = "Battery Norway"  # a name, the same in both languages


@dataclass(frozen=True)
class PortalSite:
    """What allauth's mail templates call ``current_site``: the portal at ``SITE_URL``.

    Without the sites framework allauth would take the request's host, which is whatever the
    browser or a proxy sent.
    """

    name: str
    domain: str


def on_site_url(url: str) -> str:
    """``url`` with the scheme and host of ``SITE_URL``: path, query and fragment kept."""
    site = urlsplit(settings.SITE_URL)
    bits = urlsplit(url)
    return urlunsplit((site.scheme, site.netloc, bits.path, bits.query, bits.fragment))


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

    def get_reset_password_from_key_url(self, key):
        return on_site_url(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation):
        return on_site_url(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix, email, context):
        """allauth's mails (password reset, address confirmation, security notices, unknown
        account) go through the outbox like every other: rendered by ``portal.mail`` (plain
        text, not HTML-escaped), in the user's language, with every link on ``SITE_URL``.

        The key names the mail, the address and its content to the second, so a double-clicked
        form is one e-mail and a later request is a new one.
        """
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        ctx = {
            "email": email,
            "current_site": PortalSite(name=SITE_NAME, domain=site_url("/")),
            **context,
        }
        for name, value in ctx.items():
            # signup_url, password_reset_url...: built by allauth on the request's host
            if name.endswith("_url") and isinstance(value, str) and urlsplit(value).netloc:
                ctx[name] = on_site_url(value)
        digest = hashlib.sha256(
            "\n".join(
                [template_prefix, email.lower(), timezone.now().strftime("%Y%m%d%H%M%S")]
                + [f"{k}={v}" for k, v in sorted(ctx.items()) if isinstance(v, str)]
            ).encode()
        ).hexdigest()[:40]
        mail_queue(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{digest}",
            recipients=[email],
            template=f"{template_prefix}_message",
            subject_template=f"{template_prefix}_subject.txt",
            subject_prefix=account_settings.EMAIL_SUBJECT_PREFIX or "",
            context=ctx,
            about=user,
            language=mail_language(user),
        )

    def get_client_ip(self, request):
        """The address allauth's rate limits key on: X-Forwarded-For only via trusted proxies."""
        address = client_address(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address
