"""Every route of the portal, requested as every kind of user: the refusal policy holds
(``portal/permissions.py``) and a refused request changes nothing.

The URL resolver is walked, so a route added later is requested too. Each route needs its
expected outcome in ``POLICY`` (keyed by URL name; a route under ``organisations/<pk>/`` or
``staff/`` gets the tenancy part by default) and a way to build each URL kwarg (``KWARGS``,
or ``ROUTE_KWARGS`` when a name means something else on one route); a route the matrix cannot
build fails and says where to add it. Every request runs in a savepoint that is rolled back, so
the world is the same for each.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from activities.models import ActivityStatus, HourEntry
from billing.models import InvoiceRun
from billing.services.issuing import fee_invoice_issue
from members.models import (
    Competence,
    Invitation,
    MembershipStatus,
    OrganisationRole,
    Role,
)
from portal import jobs
from tests.factories import (
    ActivityFactory,
    CompetenceFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ReportingPeriodFactory,
    UserFactory,
    active_organisation,
    fee_schedule,
    member_of,
    taking_part,
)
from tests.meetings.meeting_helpers import meeting_in_session

pytestmark = pytest.mark.django_db

EXCLUDED_PREFIXES = ("admin/", "accounts/", "i18n/", "static/")
USERS = ("anonymous", "other_admin", "member", "admin", "steering", "staff", "inactive")

# Expected outcome per kind of user: "login" (a redirect to sign in), "404", "members_only"
# (the friendly page, 403), "ok" (not refused: below 400 or a legitimate 405/400/404 on
# ``MAY_404``), "any" (not asserted beyond: no server error).
PUBLIC = dict.fromkeys(USERS, "any")
SIGNED_IN = {**dict.fromkeys(USERS, "ok"), "anonymous": "login"}
SIGNED_IN_OWN_RULES = {**dict.fromkeys(USERS, "any"), "anonymous": "login"}
MEMBER_PAGES = {**SIGNED_IN, "inactive": "members_only"}
ORGANISATION = {
    "anonymous": "login",
    "other_admin": "404",
    "member": "ok",
    "admin": "ok",
    "steering": "404",
    "staff": "404",
    "inactive": "404",
}
ORGANISATION_ADMIN = {**ORGANISATION, "member": "404"}
ORGANISATION_ADMIN_OR_STAFF = {**ORGANISATION_ADMIN, "staff": "ok"}
STAFF = {**dict.fromkeys(USERS, "404"), "anonymous": "login", "staff": "ok"}
STEERING = {**STAFF, "steering": "ok"}
STARTER_OR_STAFF = {**STAFF, "admin": "ok"}

POLICY = {
    "portal:home": PUBLIC,
    "portal:healthz": PUBLIC,
    "portal:job": STARTER_OR_STAFF,
    "portal:job_status": STARTER_OR_STAFF,
    "portal:job_download": STARTER_OR_STAFF,
    "portal:staff_enrolment": SIGNED_IN_OWN_RULES,
    "portal:staff_enrolment_link": SIGNED_IN_OWN_RULES,
    "members:apply": PUBLIC,
    "members:apply_thanks": PUBLIC,
    "members:invitation_accept": PUBLIC,
    "members:home": SIGNED_IN,
    "members:organisation": ORGANISATION,
    "members:organisation_edit": ORGANISATION_ADMIN,
    "members:people": ORGANISATION_ADMIN,
    "members:person_role": ORGANISATION_ADMIN,
    "members:person_remove": ORGANISATION_ADMIN,
    "members:invitation_revoke": ORGANISATION_ADMIN,
    "members:competence_add": ORGANISATION_ADMIN,
    "members:competence_edit": ORGANISATION_ADMIN,
    "members:competence_delete": ORGANISATION_ADMIN,
    "members:directory": MEMBER_PAGES,
    "members:competence": MEMBER_PAGES,
    "activities:list": MEMBER_PAGES,
    "activities:propose": MEMBER_PAGES,
    "activities:detail": MEMBER_PAGES,
    "activities:participation": ORGANISATION_ADMIN,
    "activities:participation_withdraw": ORGANISATION_ADMIN,
    "activities:steering": STEERING,
    "activities:decide": STEERING,
    "activities:hours": SIGNED_IN,
    "activities:hour_list": ORGANISATION,
    "activities:hour_create": ORGANISATION,
    "activities:hour_edit": ORGANISATION,
    "activities:hour_delete": ORGANISATION,
    "activities:hour_week": ORGANISATION,
    "activities:hour_import": ORGANISATION_ADMIN,
    "activities:hour_import_template": ORGANISATION_ADMIN,
    "activities:hour_export_csv": ORGANISATION,
    "activities:hour_export_xlsx": ORGANISATION,
    "activities:period_confirm": ORGANISATION_ADMIN,
    "activities:statement": ORGANISATION_ADMIN_OR_STAFF,
    "activities:staff_hours": STAFF,
    "billing:runs": STAFF,
    "billing:run_preview": STAFF,
    "billing:run_confirm": STAFF,
    "billing:staff_invoices": STAFF,
    "billing:invoice_create": STAFF,
    "billing:invoice_resend": STAFF,
    "billing:organisation_invoices": ORGANISATION,
    "billing:invoice_pdf": ORGANISATION_ADMIN,
    "billing:invoice_ehf": ORGANISATION_ADMIN,
    "billing:run_detail": STAFF,
    "meetings:list": MEMBER_PAGES,
    "meetings:detail": MEMBER_PAGES,
    "meetings:document": MEMBER_PAGES,
    "meetings:roll": MEMBER_PAGES,
    "meetings:roll_csv": MEMBER_PAGES,
    "meetings:roll_xlsx": MEMBER_PAGES,
    "meetings:roll_pdf": MEMBER_PAGES,
    "meetings:representation": ORGANISATION_ADMIN,
    "meetings:proxy_withdraw": ORGANISATION_ADMIN,
    "meetings:proposal_new": ORGANISATION,
    "meetings:checkin": MEMBER_PAGES,
    "meetings:poll_live": MEMBER_PAGES,
    "meetings:poll_state": MEMBER_PAGES,
    "meetings:poll_receipts": MEMBER_PAGES,
    "meetings:projector": MEMBER_PAGES,
    "meetings:staff_room": STAFF,
    # The minutes: everyone who may view the meeting; drafts and approval only for the meeting's
    # officers (none in this world) and, for drafts, staff.
    "meetings:minutes": MEMBER_PAGES,
    "meetings:minutes_pdf": MEMBER_PAGES,
    "meetings:minutes_draft_pdf": {**STAFF, "inactive": "members_only"},
    "meetings:minutes_approve": {**STAFF, "staff": "404", "inactive": "members_only"},
}

# Allowed, and still a 404 for a reason of the page (a document not rendered yet, a job
# without a result yet).
MAY_404 = {
    "billing:invoice_pdf",
    "billing:invoice_ehf",
    "portal:job_download",
    # minutes not drafted or approved in this world
    "meetings:minutes_pdf",
    "meetings:minutes_draft_pdf",
}

# A URL kwarg name -> how to get its value from the world.
KWARGS = {
    "pk": lambda w: w.mine.pk,
    "activity_pk": lambda w: w.activity.pk,
    "role_pk": lambda w: w.member_role.pk,
    "invitation_pk": lambda w: w.invitation.pk,
    "competence_pk": lambda w: w.competence.pk,
    "entry_pk": lambda w: w.entry.pk,
    "period_pk": lambda w: w.period.pk,
    "year": lambda w: w.entry.date.year,
    "invoice_pk": lambda w: w.invoice.pk,
    "token": lambda w: w.invitation.token,
    "document_pk": lambda w: w.meeting.document.pk,
    "proxy_pk": lambda w: w.meeting.proxy.pk,
    "poll_pk": lambda w: w.meeting.closed_poll.pk,
    "version": lambda w: 1,
}
# Where a kwarg name means something else on one route.
ROUTE_KWARGS = {
    "portal:job": {"pk": lambda w: w.job.pk},
    "portal:job_status": {"pk": lambda w: w.job.pk},
    "portal:job_download": {"pk": lambda w: w.job.pk},
    "portal:staff_enrolment_link": {"token": lambda w: "not-a-real-enrolment-token"},
    "billing:run_detail": {"pk": lambda w: w.run.pk},
    **{
        f"meetings:{name}": {"year": lambda w: w.meeting.meeting.year}
        for name in (
            "detail",
            "document",
            "roll",
            "roll_csv",
            "roll_xlsx",
            "roll_pdf",
            "representation",
            "proxy_withdraw",
            "proposal_new",
            "checkin",
            "poll_live",
            "poll_state",
            "poll_receipts",
            "projector",
            "staff_room",
            "minutes",
            "minutes_pdf",
            "minutes_draft_pdf",
            "minutes_approve",
        )
    },
}

# Plausible form data per route for POST (refusals come before forms are read).
POST_DATA = {
    "members:organisation_edit": {"name": "Endret AS", "city": "Oslo"},
    "members:people": {"email": "ny@example.no", "role": Role.ADMIN},
    "members:person_role": {"role": Role.ADMIN},
    "members:competence_add": {"kind": "offer", "text": "Ny kompetanse"},
    "members:competence_edit": {"kind": "offer", "text": "Endret kompetanse"},
    "activities:hour_create": {"activity": "", "date": "", "hours": "2", "description": "x"},
    "activities:hour_edit": {"hours": "3", "description": "endret"},
    "activities:period_confirm": {"hours": "2"},
    "activities:decide": {"outcome": "approved", "comment": "ok"},
    "activities:propose": {"title": "Forslag", "kind": "workshop"},
    "billing:run_confirm": {"year": "2026"},
    "billing:invoice_create": {"year": "2026"},
    "meetings:proposal_new": {"title": "Forslag", "text": "Tekst"},
    "meetings:representation": {"action": "proxy", "proxy-holder": "", "proxy-instruction": "x"},
}


@dataclass
class World:
    mine: object
    theirs: object
    member_role: object
    invitation: object
    competence: object
    activity: object
    entry: object
    period: object
    invoice: object
    job: object
    run: object
    meeting: object
    users: dict


@pytest.fixture
def world() -> World:
    mine, theirs = active_organisation(), active_organisation()
    admin = member_of(mine, Role.ADMIN)
    member = member_of(mine)
    other_admin = member_of(theirs, Role.ADMIN)
    # Someone of two organisations that no longer take part (two, so "my page" lists them).
    formers = [OrganisationFactory(), OrganisationFactory()]
    for former in formers:
        MembershipFactory(
            organisation=former,
            status=MembershipStatus.ENDED,
            start_date=timezone.localdate() - datetime.timedelta(days=400),
            end_date=timezone.localdate() - datetime.timedelta(days=30),
        )
    inactive = member_of(formers[0], Role.ADMIN)
    OrganisationRole.objects.create(user=inactive, organisation=formers[1])
    activity = taking_part(mine).activity
    taking_part(theirs, activity)
    period = ReportingPeriodFactory(
        start_date=timezone.localdate() - datetime.timedelta(days=20),
        end_date=timezone.localdate() + datetime.timedelta(days=10),
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    entry = HourEntry.objects.create(
        organisation=mine,
        person=member,
        activity=activity,
        date=timezone.localdate() - datetime.timedelta(days=1),
        hours=2,
        created_by=member,
    )
    HourEntry.objects.create(
        organisation=theirs, person=other_admin, activity=activity, date=entry.date, hours=1
    )
    fee_schedule(timezone.localdate().year)
    invoice = fee_invoice_issue(organisation=mine, year=timezone.localdate().year, issued_by=None)
    InvitationFactory(organisation=theirs)
    meeting = meeting_in_session(
        organisation=mine,
        representative=admin,
        other=theirs,
        other_representative=other_admin,
        organisation_gives_proxy=True,
    )
    return World(
        mine=mine,
        theirs=theirs,
        member_role=OrganisationRole.objects.get(user=member),
        invitation=InvitationFactory(organisation=mine),
        competence=CompetenceFactory(organisation=mine),
        activity=activity,
        entry=entry,
        period=period,
        invoice=invoice,
        job=jobs.job_create(kind="activities.statements", started_by=admin, params={}),
        run=InvoiceRun.objects.create(year=timezone.localdate().year),
        meeting=meeting,
        users={
            "anonymous": None,
            "other_admin": other_admin,
            "member": member,
            "admin": admin,
            "steering": UserFactory(is_steering_group=True),
            # A superuser too: superuser status must not open member pages.
            "staff": UserFactory(is_staff=True, is_superuser=True),
            "inactive": inactive,
        },
    )


def _routes(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def portal_routes() -> list[tuple[str, str, URLPattern]]:
    routes = [
        route
        for route in _routes(get_resolver().url_patterns)
        if not route[0].startswith(EXCLUDED_PREFIXES)
    ]
    unnamed = [route for route, name, _ in routes if not name]
    assert not unnamed, f"Give these routes a name so the matrix can key them: {unnamed}"
    return routes


def policy_for(name: str, route: str) -> dict:
    if name in POLICY:
        return POLICY[name]
    # A new route is covered for tenancy without anyone writing a test.
    if route.startswith("organisations/<int:pk>/"):
        return {**ORGANISATION, "member": "any", "admin": "any"}
    if route.startswith("staff/"):
        return STAFF
    pytest.fail(
        f"Route {name} ({route}) has no expected outcome: add it to POLICY in "
        "tests/portal/test_route_matrix.py."
    )


def url_for(name: str, pattern: URLPattern, world: World) -> str:
    names = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
    kwargs = {}
    for kwarg in names:
        build = ROUTE_KWARGS.get(name, {}).get(kwarg) or KWARGS.get(kwarg)
        if build is None:
            pytest.fail(
                f"Route {name} takes '{kwarg}', which the matrix cannot build: add it to "
                "KWARGS (or ROUTE_KWARGS for this route) in tests/portal/test_route_matrix.py."
            )
        kwargs[kwarg] = build(world)
    return reverse(name, kwargs=kwargs)


def takes_post(pattern: URLPattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    return (
        view_class is not None
        and hasattr(view_class, "post")
        and "post" in view_class.http_method_names
    )


def _snapshot_sql() -> str:
    parts = []
    for model in apps.get_models():
        if model is Session or model._meta.proxy or not model._meta.managed:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.pk.column)
        if model._meta.pk.get_internal_type() == "UUIDField":
            column = f"CAST({column} AS TEXT)"  # ballots: random ids, no maximum of their own
        # Names from the model registry, quoted: no outside input reaches this SQL.
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({column}) FROM {table})")  # noqa: S608
    return "SELECT " + ", ".join(parts)


def snapshot(world: World, sql: str) -> tuple:
    """Rows of every model (count and highest id), and the fields refused forms would change."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    world.mine.refresh_from_db()
    return (
        counts,
        world.mine.name,
        OrganisationRole.objects.get(pk=world.member_role.pk).role,
        Invitation.objects.get(pk=world.invitation.pk).revoked_at,
        Competence.objects.get(pk=world.competence.pk).text,
        tuple(HourEntry.objects.filter(pk=world.entry.pk).values_list("hours", "description")),
        world.activity.participations.count(),
    )


def close_download(response) -> None:
    """Close a streamed download's file without ending the request: ``response.close()`` sends
    ``request_finished``, whose ``close_old_connections`` would close the database connection
    inside the test's transaction (the test client disconnects it the same way)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def check(outcome: str, response, *, name: str, method: str) -> str | None:
    """What is wrong with ``response`` for ``outcome`` (None: as expected)."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    login = status == 302 and response.url.startswith(reverse("account_login"))
    if outcome == "login":
        return None if login else f"expected a redirect to sign in, got {status}"
    if outcome == "404":
        return None if status == 404 else f"expected 404, got {status}"
    if outcome == "members_only":
        templates = [t.name for t in response.templates]
        if status == 403 and "members/members_only.html" in templates:
            return None
        return f"expected the members-only page, got {status}"
    if outcome == "ok":
        if login or status == 403:
            return f"refused ({status})"
        if status == 404 and name not in MAY_404:
            return "refused (404)"
        return None
    return None


def test_every_route_answers_every_kind_of_user_by_the_refusal_policy(world, capsys):
    routes = portal_routes()
    sql = _snapshot_sql()
    baseline = snapshot(world, sql)
    clients = {kind: client_for(user) for kind, user in world.users.items()}
    problems = []
    requests = 0
    for route, name, pattern in routes:
        url = url_for(name, pattern, world)
        policy = policy_for(name, route)
        methods = ["get", "post"] if takes_post(pattern) else ["get"]
        for kind in USERS:
            outcome = policy[kind]
            for method in methods:
                data = POST_DATA.get(name, {}) if method == "post" else None
                with transaction.atomic():
                    response = getattr(clients[kind], method)(url, data)
                    if response.streaming:
                        close_download(response)
                    requests += 1
                    wrong = check(outcome, response, name=name, method=method)
                    if wrong:
                        problems.append(f"{method.upper()} {url} ({name}) as {kind}: {wrong}")
                    if outcome in ("login", "404", "members_only") and (
                        snapshot(world, sql) != baseline
                    ):
                        problems.append(f"{method.upper()} {url} as {kind}: refused but changed")
                    transaction.set_rollback(True)
    with capsys.disabled():
        print(f"\nroute matrix: {len(routes)} routes, {requests} requests, {len(USERS)} users")
    assert not problems, "\n".join(problems)


def test_the_matrix_covers_every_route_in_the_policy_table():
    names = {name for _, name, _ in portal_routes()}
    assert set(POLICY) <= names, f"POLICY names routes that no longer exist: {set(POLICY) - names}"


# --- What the policy says in words, one case each --------------------------------------------


def test_a_cancelled_activity_opens_only_for_those_it_concerns(world):
    cancelled = ActivityFactory(status=ActivityStatus.CANCELLED, owner=world.mine)
    url = reverse("activities:detail", kwargs={"activity_pk": cancelled.pk})
    for kind, status in [
        ("member", 200),
        ("staff", 200),
        ("steering", 200),
        ("other_admin", 404),
    ]:
        assert client_for(world.users[kind]).get(url).status_code == status, kind
    assert client_for(world.users["inactive"]).get(url).status_code == 403


def test_a_declined_proposal_is_a_404_for_other_organisations(world):
    proposer = world.users["admin"]
    declined = ActivityFactory(status=ActivityStatus.CANCELLED, proposed_by=proposer)
    url = reverse("activities:detail", kwargs={"activity_pk": declined.pk})
    assert client_for(proposer).get(url).status_code == 200
    assert client_for(world.users["other_admin"]).get(url).status_code == 404


@pytest.mark.parametrize("kind", [k for k in USERS if k != "anonymous"])
def test_the_home_pages_and_navigation_never_link_to_a_page_that_refuses(world, kind):
    client = client_for(world.users[kind])
    seen = set()
    for page in (reverse("portal:home"), reverse("members:home")):
        response = client.get(page, follow=True)
        assert response.status_code == 200
        content = response.content.decode()
        for href in _internal_links(content):
            if href in seen or href.startswith(("/admin/", "/accounts/", "/static/", "/i18n/")):
                continue
            seen.add(href)
            linked = client.get(href)
            assert linked.status_code not in (403, 404), f"{kind}: {page} links to {href}"


def _internal_links(content: str) -> list[str]:
    return [
        href
        for href in re.findall(r'href="(/[^"#?]*)', content)
        if not href.startswith("//") and not href.endswith((".css", ".js", ".svg", ".png"))
    ]
