"""One-time submission tokens (portal/submission.py): a repeated form writes once.

Sequential repeats here (any database); ten at once on PostgreSQL in
tests/concurrency/test_double_submit.py.
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from activities.models import HourEntry
from billing.models import Invoice, Payment
from members.models import Invitation, Role, ValueChainSegment
from portal import submission
from portal.models import SubmissionClaim
from tests.billing.invoicing import issue_invoice
from tests.factories import ActivityFactory, active_organisation, member_of, taking_part
from tests.helpers import changelist, logged_in, run_action, submission_tokens

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
MONDAY = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
WEEK = "{}-W{:02d}".format(*MONDAY.isocalendar()[:2])


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def activity(organisation):
    return taking_part(organisation, ActivityFactory(title="Celleprosjekt")).activity


@pytest.fixture
def admin(organisation):
    return member_of(organisation, Role.ADMIN, full_name="Ola Admin")


@pytest.fixture
def admin_client(admin):
    return logged_in(admin)


def hour_create_url(organisation):
    return reverse("activities:hour_create", kwargs={"pk": organisation.pk})


def hour_data(activity, person, token, **overrides):
    data = {"activity": activity.pk, "date": YESTERDAY.isoformat(), "hours": "1,5"}
    data |= {"person": person.pk, "description": "Workshop", submission.TOKEN_FIELD: token}
    return data | overrides


def token_of(client, url):
    (token,) = submission_tokens(client.get(url))
    return token


# --- The hour form, sent twice ----------------------------------------------------------------


def test_the_hour_form_carries_the_csrf_token_and_a_submission_token(
    admin_client, organisation, activity
):
    page = admin_client.get(hour_create_url(organisation)).content.decode()
    form = re.search(r'<form method="post" class="form".*?</form>', page, re.S)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="{submission.TOKEN_FIELD}"' in form


def test_each_rendering_of_a_form_gets_a_new_token(admin_client, organisation, activity):
    url = hour_create_url(organisation)
    assert token_of(admin_client, url) != token_of(admin_client, url)


def test_a_repeated_hour_form_saves_one_entry_and_answers_with_the_first_redirect(
    admin, admin_client, organisation, activity
):
    url = hour_create_url(organisation)
    data = hour_data(activity, admin, token_of(admin_client, url))

    first = admin_client.post(url, data)
    repeat = admin_client.post(url, data, follow=True)

    assert first.status_code == 302
    assert repeat.redirect_chain == [(first.url, 302)]
    assert HourEntry.objects.count() == 1
    # The first request's message is shown once; the repeat added none.
    assert repeat.content.decode().count("1.5 hours on Celleprosjekt are saved.") == 1
    claim = SubmissionClaim.objects.get()
    assert (claim.path, claim.status_code, claim.location) == (url, 302, first.url)


def test_a_form_sent_with_errors_releases_its_token_so_the_corrected_form_saves(
    admin, admin_client, organisation, activity
):
    url = hour_create_url(organisation)
    token = token_of(admin_client, url)

    refused = admin_client.post(url, hour_data(activity, admin, token, hours="25"))
    assert refused.status_code == 200
    assert not HourEntry.objects.exists()
    assert not SubmissionClaim.objects.exists()
    # The form comes back with a fresh token of its own.
    assert submission_tokens(refused) != [token]

    corrected = admin_client.post(url, hour_data(activity, admin, token))
    assert corrected.status_code == 302
    assert HourEntry.objects.count() == 1


def test_a_post_without_a_token_is_processed_as_before(admin, admin_client, organisation, activity):
    url = hour_create_url(organisation)
    data = hour_data(activity, admin, "")
    del data[submission.TOKEN_FIELD]

    assert admin_client.post(url, data).status_code == 302
    assert admin_client.post(url, data).status_code == 302
    assert HourEntry.objects.count() == 2


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", "abc:def:ghi", "x\x00y", "z" * 5000],
)
def test_a_forged_token_gets_the_expired_page_and_saves_nothing(
    admin, admin_client, organisation, activity, token
):
    response = admin_client.post(hour_create_url(organisation), hour_data(activity, admin, token))
    assert response.status_code == 400
    assert "This form has expired" in response.content.decode()
    assert not HourEntry.objects.exists()


def test_an_altered_token_gets_the_expired_page(admin, admin_client, organisation, activity):
    url = hour_create_url(organisation)
    token = token_of(admin_client, url)
    altered = ("B" if token[0] != "B" else "C") + token[1:]
    assert admin_client.post(url, hour_data(activity, admin, altered)).status_code == 400
    assert not HourEntry.objects.exists()


class _TwoDaysAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(timezone.now().timestamp()) - 2 * 24 * 3600)


def test_a_token_older_than_a_day_has_expired(admin, admin_client, organisation, activity):
    old = _TwoDaysAgo(salt=submission.TOKEN_SALT).sign("nonce-from-two-days-ago")
    response = admin_client.post(hour_create_url(organisation), hour_data(activity, admin, old))
    assert response.status_code == 400
    assert "Reload the page and send the form again." in response.content.decode()
    assert not HourEntry.objects.exists()


def test_a_token_is_bound_to_the_form_it_was_claimed_by(
    admin, admin_client, organisation, activity
):
    url = hour_create_url(organisation)
    token = token_of(admin_client, url)
    assert admin_client.post(url, hour_data(activity, admin, token)).status_code == 302

    people = reverse("members:people", kwargs={"pk": organisation.pk})
    response = admin_client.post(
        people, {"email": "per@fjordcelle.no", "role": "member", submission.TOKEN_FIELD: token}
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_a_token_is_bound_to_the_person_who_sends_it(admin, admin_client, organisation, activity):
    url = hour_create_url(organisation)
    token = token_of(admin_client, url)
    colleague = member_of(organisation, Role.ADMIN)

    assert admin_client.post(url, hour_data(activity, admin, token)).status_code == 302
    # A copy of someone else's token is a claim of its own: it never sees their answer.
    theirs = logged_in(colleague).post(url, hour_data(activity, colleague, token))
    assert theirs.status_code == 302
    assert HourEntry.objects.count() == 2


# --- The other forms the tester repeated ------------------------------------------------------


def test_a_repeated_week_grid_saves_each_cell_once(admin_client, admin, organisation, activity):
    url = reverse("activities:hour_week", kwargs={"pk": organisation.pk}) + f"?week={WEEK}"
    data = {
        f"hours-{activity.pk}-{MONDAY.isoformat()}": "2",
        submission.TOKEN_FIELD: token_of(admin_client, url),
    }

    first = admin_client.post(url, data)
    repeat = admin_client.post(url, data, follow=True)

    assert first.status_code == 302
    assert repeat.redirect_chain == [(first.url, 302)]
    assert HourEntry.objects.filter(person=admin, date=MONDAY).count() == 1
    # Saving the same grid twice writes no second entry anyway; the repeat did not run at all.
    assert repeat.content.decode().count("The week is saved.") == 1


def test_a_repeated_invitation_creates_one_invitation_and_sends_one_email(
    admin_client, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("members:people", kwargs={"pk": organisation.pk})
    data = {"email": "per@fjordcelle.no", "role": "member"}
    data[submission.TOKEN_FIELD] = submission_tokens(admin_client.get(url))[-1]

    with django_capture_on_commit_callbacks(execute=True):
        first = admin_client.post(url, data)
        repeat = admin_client.post(url, data)

    assert (first.status_code, repeat.status_code, repeat.url) == (302, 302, first.url)
    assert Invitation.objects.count() == 1
    assert [message.to for message in mailoutbox] == [["per@fjordcelle.no"]]


def test_a_repeated_payment_in_the_admin_add_form_registers_once(staff_client):
    invoice = issue_invoice()
    url = reverse("admin:billing_payment_add")
    data = {"invoice": invoice.pk, "amount": "12500", "paid_on": "2026-01-20"}
    data[submission.TOKEN_FIELD] = token_of(staff_client, url)

    first = staff_client.post(url, data)
    repeat = staff_client.post(url, data)

    assert (first.status_code, repeat.status_code, repeat.url) == (302, 302, first.url)
    assert Payment.objects.get().amount == Decimal("12500.00")


def test_a_repeated_payment_action_registers_once(staff_client):
    invoice = issue_invoice()
    page = run_action(staff_client, Invoice, "register_payment", [invoice])
    (token,) = submission_tokens(page)
    form = {"apply": "yes", "amount": "12500", "paid_on": "2026-01-20"}

    first = run_action(
        staff_client, Invoice, "register_payment", [invoice], **form, submission_token=token
    )
    repeat = run_action(
        staff_client, Invoice, "register_payment", [invoice], **form, submission_token=token
    )

    assert (first.status_code, repeat.status_code, repeat.url) == (302, 302, first.url)
    assert Payment.objects.count() == 1


def test_the_admin_pages_with_forms_carry_the_token(staff_client):
    segment = ValueChainSegment.objects.first()
    pages = [
        reverse("admin:billing_payment_add"),
        changelist(Invoice),
        reverse("admin:members_valuechainsegment_delete", args=[segment.pk]),
        reverse("admin:billing_payment_bank_import"),
        reverse("admin:members_user_add"),
    ]
    for url in pages:
        assert len(submission_tokens(staff_client.get(url))) == 1, url


# --- Waiting for a first use, and forgetting old claims ---------------------------------------


def test_a_repeat_waits_for_a_running_first_use_and_gives_up_after_the_wait():
    running = submission.submission_claim(owner="user:1", nonce="n", path="/x/")
    assert running.finished_at is None

    started = timezone.now()
    assert submission.submission_claim(owner="user:1", nonce="n", path="/x/", wait=0.2) is None
    assert timezone.now() - started >= datetime.timedelta(seconds=0.2)


def test_a_repeat_of_a_form_still_being_processed_says_so_and_saves_nothing(
    admin_client, admin, organisation, activity, monkeypatch
):
    url = hour_create_url(organisation)
    token = token_of(admin_client, url)
    submission.submission_claim(
        owner=f"user:{admin.pk}", nonce=submission.token_nonce(token), path=url
    )
    monkeypatch.setattr(submission, "WAIT_SECONDS", 0.1)

    response = admin_client.post(url, hour_data(activity, admin, token))

    assert response.status_code == 409
    assert "still being processed" in response.content.decode()
    assert not HourEntry.objects.exists()


def test_a_first_use_that_died_long_ago_is_taken_over():
    SubmissionClaim.objects.create(
        owner="user:1",
        token="n",
        path="/x/",
        claimed_at=timezone.now() - submission.ABANDONED_AFTER - datetime.timedelta(seconds=1),
    )
    claim = submission.submission_claim(owner="user:1", nonce="n", path="/x/", wait=0)
    assert claim is not None
    assert claim.finished_at is None
    assert SubmissionClaim.objects.get() == claim


def test_the_purge_forgets_claims_older_than_a_token_lives():
    now = timezone.now()
    old = SubmissionClaim.objects.create(
        owner="user:1",
        token="old",
        path="/x/",
        claimed_at=now - datetime.timedelta(days=1, seconds=1),
    )
    recent = SubmissionClaim.objects.create(
        owner="user:1", token="recent", path="/x/", claimed_at=now - datetime.timedelta(hours=23)
    )
    assert submission.submission_claims_purge(now=now) == 1
    assert list(SubmissionClaim.objects.all()) == [recent]
    assert not SubmissionClaim.objects.filter(pk=old.pk).exists()


def test_the_purge_is_on_the_beat_schedule():
    assert PeriodicTask.objects.filter(task="portal.purge_submission_claims", enabled=True).exists()


# --- No form can forget the token -------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# A tag whose quoted attributes may hold ">" (template blocks such as {% block form_method %}).
FORM = re.compile(r'<form\b((?:[^>"]|"[^"]*")*)>(.*?)</form>', re.S | re.I)
ELEMENT_FORM = re.compile(r"\{%\s*element form\b([^%]*)%\}(.*?)\{%\s*endelement\s*%\}", re.S)
POST = re.compile(r"method=\"[^\"]*post", re.I)
TOKEN_TAG = re.compile(r"\{%\s*(form_token|submission_token)\s*%\}")
# Forms that deliberately carry only the CSRF token (portal/submission.py): their answers set
# cookies (session, language) that a replayed redirect could not carry, and a repeat writes no
# row. Template -> how many such forms it has.
ONLY_CSRF = {"base.html": 2, "account/login.html": 1}


def _post_forms(source):
    for pattern in (FORM, ELEMENT_FORM):
        for match in pattern.finditer(source):
            if POST.search(match[1]):
                yield match[2]


def test_every_post_form_in_the_templates_carries_the_submission_token():
    missing, csrf_only = [], {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        source = path.read_text(encoding="utf-8")
        for body in _post_forms(source):
            if not TOKEN_TAG.search(body):
                csrf_only[name] = csrf_only.get(name, 0) + 1
        if "{% csrf_token %}" in source and name not in ONLY_CSRF:
            missing.append(f"{name}: use {{% form_token %}} instead of {{% csrf_token %}}")
    missing += [
        f"{name}: {count} POST form(s) without {{% form_token %}}"
        for name, count in csrf_only.items()
        if ONLY_CSRF.get(name) != count
    ]
    assert not missing, "\n".join(missing)


def test_the_walk_finds_a_post_form_without_the_token():
    assert list(_post_forms('<form method="post" action="/x/">{% csrf_token %}</form>'))
    source = '<form method="{% block m %}post{% endblock %}">{% form_token %}</form>'
    assert all(TOKEN_TAG.search(body) for body in _post_forms(source))
    assert not list(_post_forms('<form method="get">{% csrf_token %}</form>'))
