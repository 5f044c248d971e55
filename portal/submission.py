"""One-time submission tokens: a double click, a retried request or a second tab writes once.

Every state-changing form renders ``{% form_token %}``: the CSRF token and a submission token
(a random nonce, signed with the time it was made). On POST, ``SubmissionTokenMiddleware``
claims the nonce with an INSERT that a unique constraint lets succeed once per session or user
(``portal.models.SubmissionClaim``), and only then runs the view:

- The view redirects (every successful write in the portal and the admin does): the claim keeps
  the status and the Location. A repeat of the token, after the first request or at the same
  time (it waits up to ``WAIT_SECONDS`` for the first one to finish), gets the same redirect and
  runs nothing, so it writes nothing and adds no message.
- Any other answer (the form again with its errors, a 4xx, a 500, or a page such as the bank-file
  report, whose repeats the bank reference already makes harmless) releases the claim, so the
  corrected form can be sent. The re-rendered form carries a fresh token anyway.

The claim is bound to the session or user that sent it (another person's copy of a token is a
claim of their own and never sees the first person's answer) and to the form's action path (a
token sent to another form is refused). A token that is present but forged, altered or older
than ``TOKEN_MAX_AGE`` gets the 400 "this form has expired" page: claims live no longer than
that (``submission_claims_purge``, daily on beat), so an older token could otherwise write twice.

A POST without a token is processed as before. The token protects people from their own browser
sending a form twice; it is no access control (a client that leaves it out could as well send
two different tokens). Refusing tokenless POSTs would break the scripted clients and tests that
post directly, and the few forms that deliberately carry none: sign-in, sign-out and the language
switch, whose answers set cookies a replayed redirect could not carry, and whose repeats write
nothing.
"""

import datetime
import hashlib
import secrets
import time

from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import SubmissionClaim

TOKEN_FIELD = "submission_token"  # noqa: S105 -- a form field's name, not a secret
TOKEN_MAX_AGE = datetime.timedelta(days=1)
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05
# A first request that has not finished after this long died with its worker (gunicorn gives
# up after 30 s); its claim is taken over instead of blocking the token until it expires.
ABANDONED_AFTER = datetime.timedelta(minutes=5)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TOKEN_SALT = "portal.submission"  # noqa: S105 -- a signing namespace; the key is SECRET_KEY


def token_new() -> str:
    """A fresh signed submission token for one rendering of one form."""
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(secrets.token_urlsafe(18))


def token_nonce(value: str) -> str | None:
    """The nonce inside a token, or None when it is forged, altered or expired."""
    try:
        return signing.TimestampSigner(salt=TOKEN_SALT).unsign(value, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


def request_owner(request: HttpRequest) -> str:
    """Who a claim belongs to: the signed-in user, else the browser's CSRF secret (hashed)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    secret = request.META.get("CSRF_COOKIE") or request.session.session_key or ""
    return "anon:" + hashlib.sha256(secret.encode()).hexdigest()


def submission_claim(
    *, owner: str, nonce: str, path: str, wait: float = WAIT_SECONDS
) -> SubmissionClaim | None:
    """Claim ``nonce`` for one run of a view, or find the answer of its first use.

    Returns a new, unfinished claim (the caller runs the view, then ``submission_finish``), or
    the earlier claim once it is finished (or when it was made for another ``path``), or None
    when the first use is still running after ``wait`` seconds. Each INSERT is its own
    transaction (a savepoint inside a test's), so the claim is visible to a concurrent repeat at
    once and a failed INSERT leaves nothing half done.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            with transaction.atomic():
                return SubmissionClaim.objects.create(owner=owner, token=nonce, path=path)
        except IntegrityError:
            pass
        earlier = SubmissionClaim.objects.filter(owner=owner, token=nonce).first()
        if earlier is None:
            continue  # released by a first use that ended with form errors: claim it again
        if earlier.finished_at is not None or earlier.path != path:
            return earlier
        if earlier.claimed_at < timezone.now() - ABANDONED_AFTER:
            SubmissionClaim.objects.filter(pk=earlier.pk, finished_at__isnull=True).delete()
            continue
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)


def submission_finish(*, claim: SubmissionClaim, response: HttpResponse | None) -> None:
    """Keep a redirect on the claim for repeats; release the claim for any other answer."""
    claims = SubmissionClaim.objects.filter(pk=claim.pk)
    if (
        response is not None
        and response.status_code in REDIRECT_STATUSES
        and response.has_header("Location")
    ):
        claims.update(
            finished_at=timezone.now(),
            status_code=response.status_code,
            location=response["Location"],
        )
    else:
        claims.delete()


def submission_claims_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the claims of tokens that have expired; returns how many.

    A token is at most ``TOKEN_MAX_AGE`` old when it is claimed, so once its claim is older
    than that the token itself is refused as expired and the claim guards nothing.
    """
    cutoff = (now or timezone.now()) - TOKEN_MAX_AGE
    deleted, _per_model = SubmissionClaim.objects.filter(claimed_at__lt=cutoff).delete()
    return deleted


def _expired(request: HttpRequest) -> HttpResponse:
    context = {
        "title": _("This form has expired"),
        "text": _("Reload the page and send the form again."),
    }
    return render(request, "portal/submission_refused.html", context, status=400)


def _still_running(request: HttpRequest) -> HttpResponse:
    context = {
        "title": _("This form is being sent"),
        "text": _(
            "The form was sent a moment ago and is still being processed. Wait a little, "
            "then reload the page to see the result."
        ),
    }
    return render(request, "portal/submission_refused.html", context, status=409)


def _replay(claim: SubmissionClaim) -> HttpResponse:
    response = HttpResponseRedirect(claim.location)
    response.status_code = claim.status_code
    return response


class SubmissionTokenMiddleware:
    """Runs a view once per submission token; see the module docstring.

    It sits after ``CsrfViewMiddleware``, so a request that fails the CSRF check claims nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except BaseException:
            self._finish(request, None)
            raise
        self._finish(request, response)
        return response

    @staticmethod
    def _finish(request, response) -> None:
        claim = getattr(request, "_submission_claim", None)
        if claim is not None:
            submission_finish(claim=claim, response=response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or TOKEN_FIELD not in request.POST:
            return None
        nonce = token_nonce(request.POST[TOKEN_FIELD])
        if nonce is None:
            return _expired(request)
        path = request.path_info
        owner = request_owner(request)
        claim = submission_claim(owner=owner, nonce=nonce, path=path, wait=WAIT_SECONDS)
        if claim is None:
            return _still_running(request)
        if claim.path != path:
            return _expired(request)  # a token rendered for another form
        if claim.finished_at is not None:
            return _replay(claim)
        request._submission_claim = claim
        return None
