"""Staff two-factor: who has staff rights, and the two ways a staff account enrols TOTP.

Where ``MFA_REQUIRED_FOR_STAFF`` is on, a staff account without TOTP has no staff rights: the
password alone must not be enough to enrol an authenticator, or whoever guessed it would enrol
their own. Enrolment needs a second proof, either a one-time link e-mailed to the account's
verified address (``staff_enrolment_link_send`` → ``staff_enrolment_link_use``) or a TOTP
created on the server (``staff_totp_create``, the ``staff_totp_create`` command).

``StaffTwoFactorMiddleware`` is the one choke point: for such an account it clears
``is_staff``/``is_superuser`` (and the permission cache) on the request's user object, so the
admin, every staff view and every permission predicate see an ordinary account.
``has_staff_rights`` answers the same question outside a request.
"""

import datetime
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from portal.mail import mail_language, mail_queue

LINK_VALID = datetime.timedelta(hours=1)
# After the link is used, this long to finish setting up the authenticator in that session.
GRANT_VALID = datetime.timedelta(minutes=15)
GRANT_SESSION_KEY = "portal.staff_enrolment_grant"
_SALT = "portal.two_factor.staff_enrolment"


DEMOTED_ATTRIBUTE = "staff_rights_withheld"  # set by the middleware on the request's user


def _is_staff_account(user) -> bool:
    return bool(getattr(user, DEMOTED_ATTRIBUTE, False) or user.is_staff or user.is_superuser)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_enrolment(user) -> bool:
    """A staff account that must enrol TOTP before it gets its staff rights."""
    return (
        settings.MFA_REQUIRED_FOR_STAFF
        and user is not None
        and user.is_authenticated
        and _is_staff_account(user)
        and not has_totp(user)
    )


def has_staff_rights(user) -> bool:
    """Staff, and enrolled where two-factor is required: the rights a staff page may grant."""
    return bool(
        user is not None and user.is_authenticated and user.is_staff and not needs_enrolment(user)
    )


def verified_address(user) -> str | None:
    """The verified address an enrolment link goes to: the account's own, else the primary."""
    addresses = list(EmailAddress.objects.filter(user=user, verified=True))
    for address in addresses:
        if address.email.lower() == user.email.lower():
            return address.email
    primary = [a.email for a in addresses if a.primary]
    return primary[0] if primary else None


# --- The e-mailed link -----------------------------------------------------------------------


def _account_state(user) -> str:
    """Changes when the password, the address or the enrolment changes: old links then fail."""
    totp_ids = sorted(
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).values_list(
            "pk", flat=True
        )
    )
    value = f"{user.pk}|{user.password}|{user.email.lower()}|{totp_ids}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:32]


def _token_for(user) -> str:
    return signing.dumps({"u": user.pk, "s": _account_state(user)}, salt=_SALT, compress=True)


def _used_key(token: str) -> str:
    return "staff-enrolment-used:" + hashlib.sha256(token.encode()).hexdigest()


def staff_enrolment_link_check(*, user, token: str) -> bool:
    """Whether ``token`` is a current, unused enrolment link for ``user`` (nothing changes)."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=LINK_VALID)
    except signing.BadSignature:  # also SignatureExpired
        return False
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        return False
    if not constant_time_compare(str(payload.get("s")), _account_state(user)):
        return False
    return cache.get(_used_key(token)) is None and needs_enrolment(user)


def staff_enrolment_link_send(*, user) -> str:
    """E-mail a one-time enrolment link to the account's verified address; returns the address.

    The link is signed (account, a hash of password, address and authenticators, time) and
    expires after ``LINK_VALID``; using it records its hash so it works once. Queued through the
    outbox after commit. Refused for an account that needs no enrolment or has no verified
    address.
    """
    if not needs_enrolment(user):
        raise ValidationError(_("This account needs no enrolment link."), code="not_needed")
    address = verified_address(user)
    if address is None:
        raise ValidationError(
            _("This account has no confirmed e-mail address. Ask another administrator."),
            code="no_verified_address",
        )
    token = _token_for(user)
    context = {
        "user": user,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("portal:staff_enrolment_link", kwargs={"token": token}),
        "valid_minutes": int(LINK_VALID.total_seconds() // 60),
    }
    with transaction.atomic():
        mail_queue(
            key=f"staff-enrolment:{user.pk}:{_used_key(token)[-24:]}",
            recipients=[address],
            template="portal/email/staff_enrolment",
            context=context,
            about=user,
            language=mail_language(user),
        )
    return address


def staff_enrolment_link_use(*, user, token: str, session) -> None:
    """Spend the link once: the session may then set up TOTP for ``GRANT_VALID``.

    The hash of the used token is kept (in the cache, as long as the link could still be
    valid), so a second use fails even before the authenticator is set up; once it is set up,
    the changed account state refuses every earlier link as well.
    """
    if not staff_enrolment_link_check(user=user, token=token) or not cache.add(
        _used_key(token), "used", timeout=int(LINK_VALID.total_seconds()) + 60
    ):
        raise ValidationError(
            _("This enrolment link has expired or has been used. Ask for a new one."),
            code="link_unusable",
        )
    session[GRANT_SESSION_KEY] = {
        "user": user.pk,
        "until": (timezone.now() + GRANT_VALID).isoformat(),
    }


def enrolment_granted(*, user, session) -> bool:
    """Whether this session used a valid link for ``user`` recently enough to set up TOTP."""
    grant = session.get(GRANT_SESSION_KEY)
    if not isinstance(grant, dict) or grant.get("user") != user.pk:
        return False
    try:
        until = datetime.datetime.fromisoformat(grant["until"])
    except (KeyError, TypeError, ValueError):
        return False
    return timezone.now() < until


# --- From the command line -------------------------------------------------------------------


def staff_totp_create(*, user, replace: bool = False) -> tuple[str, str]:
    """Create a TOTP authenticator for a staff account on the server; returns (secret, URI).

    For whoever runs ``manage.py``: they hand the secret to the person out of band. Refuses a
    non-staff account, and an account that already has TOTP unless ``replace``.
    """
    if not _is_staff_account(user):
        raise ValidationError(_("This account is not staff."), code="not_staff")
    with transaction.atomic():
        existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        if existing.exists():
            if not replace:
                raise ValidationError(
                    _("This account already has an authenticator."), code="has_totp"
                )
            existing.delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
    return secret, get_mfa_adapter().build_totp_url(user, secret)
