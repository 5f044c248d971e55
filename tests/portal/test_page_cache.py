"""The member pages that are the same for every member keep their first page in the cache: a
change through the services shows on the very next request, and a cached page costs fewer
queries."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityKind, ActivityStatus
from activities.services import activities as activity_services
from members.models import CompetenceArea, CompetenceKind, ParticipantType, Role
from members.services.competence import competence_delete, competence_save
from members.services.memberships import membership_end, membership_start
from members.services.organisations import organisation_update_profile
from portal import page_cache
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    UserFactory,
    active_organisation,
    member_of,
)
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("members:directory")
COMPETENCE = reverse("members:competence")
ACTIVITIES = reverse("activities:list")


@pytest.fixture
def home():
    return active_organisation(name="Hjemme AS")


@pytest.fixture
def browser(home):
    return logged_in(member_of(home))


def content(browser, url, query="") -> str:
    response = browser.get(f"{url}{query}")
    assert response.status_code == 200
    return response.content.decode()


def queries(browser, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


def area():
    return CompetenceArea.objects.order_by("position").first()


# --- Versions --------------------------------------------------------------------------------


def test_a_bump_gives_a_new_version_and_a_lost_version_never_comes_back_as_an_old_one():
    first = page_cache.page_cache_version(page_cache.DIRECTORY)
    assert page_cache.page_cache_version(page_cache.DIRECTORY) == first
    page_cache.page_cache_bump(page_cache.DIRECTORY)
    bumped = page_cache.page_cache_version(page_cache.DIRECTORY)
    assert bumped != first
    cache.clear()  # evicted: the next version is none of the earlier ones
    assert page_cache.page_cache_version(page_cache.DIRECTORY) not in (first, bumped)


def test_a_bump_is_repeated_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page_cache.page_cache_bump(page_cache.ACTIVITIES)
        during = page_cache.page_cache_version(page_cache.ACTIVITIES)
    assert len(callbacks) == 1
    assert page_cache.page_cache_version(page_cache.ACTIVITIES) != during


# --- The directory ---------------------------------------------------------------------------


def test_the_directory_shows_a_profile_change_at_once(browser, home):
    other = active_organisation(name="Cellefabrikken AS")
    assert "Cellefabrikken AS" in content(browser, DIRECTORY)

    organisation_update_profile(organisation=other, name="Cellefabrikken Nord AS", city="Mo")

    page = content(browser, DIRECTORY)
    assert "Cellefabrikken Nord AS" in page
    assert "Mo" in page


def test_the_directory_shows_a_membership_started_or_ended_at_once(browser, home):
    newcomer = OrganisationFactory(name="Nykommer AS")
    assert "Nykommer AS" not in content(browser, DIRECTORY)

    membership_start(
        organisation=newcomer,
        participant_type=ParticipantType.CORE,
        start_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert "Nykommer AS" in content(browser, DIRECTORY)

    membership_end(
        organisation=newcomer, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "Nykommer AS" not in content(browser, DIRECTORY)


def test_the_cached_directory_costs_fewer_queries(browser, home):
    for n in range(5):
        active_organisation(name=f"Deltaker {n} AS")
    assert queries(browser, DIRECTORY) == 8
    assert queries(browser, DIRECTORY) == 4


def test_a_filtered_or_later_directory_page_is_not_cached(browser, home):
    for n in range(25):
        active_organisation(name=f"Deltaker {n:02d} AS")
    content(browser, DIRECTORY)
    content(browser, DIRECTORY, "?page=2")
    first = queries(browser, DIRECTORY)
    assert queries(browser, f"{DIRECTORY}?page=2") > first
    assert queries(browser, f"{DIRECTORY}?q=Deltaker") > first


# --- The competence page ---------------------------------------------------------------------


def test_the_competence_page_shows_an_added_edited_or_deleted_entry_at_once(browser, home):
    assert "Brannvern" not in content(browser, COMPETENCE)

    entry = competence_save(
        organisation=home, kind=CompetenceKind.OFFER, area=area(), text="Brannvern i celleanlegg"
    )
    assert "Brannvern i celleanlegg" in content(browser, COMPETENCE)

    competence_save(
        organisation=home, kind=CompetenceKind.OFFER, area=area(), text="Brannvern og slokking"
    )
    page = content(browser, COMPETENCE)
    assert "Brannvern og slokking" in page
    assert "Brannvern i celleanlegg" not in page

    competence_delete(competence=entry)
    assert "Brannvern" not in content(browser, COMPETENCE)


def test_the_competence_page_shows_a_renamed_organisation_at_once(browser, home):
    competence_save(organisation=home, kind=CompetenceKind.NEED, area=area(), text="Trenger hjelp")
    assert "Hjemme AS" in content(browser, COMPETENCE)

    organisation_update_profile(organisation=home, name="Borte AS")

    page = content(browser, COMPETENCE)
    assert "Borte AS" in page
    assert "Hjemme AS" not in page


def test_the_cached_competence_page_costs_fewer_queries(browser, home):
    for n in range(3):
        offering = active_organisation(name=f"Deltaker {n} AS")
        competence_save(
            organisation=offering, kind=CompetenceKind.OFFER, area=area(), text=f"Tilbud {n}"
        )
    assert queries(browser, COMPETENCE) == 7
    assert queries(browser, COMPETENCE) == 5


# --- The activity list -----------------------------------------------------------------------


def test_the_activity_list_shows_a_proposal_a_decision_and_a_cancellation_at_once(browser, home):
    assert "Resirkulering" not in content(browser, ACTIVITIES)
    today = timezone.localdate()
    proposed = activity_services.activity_propose(
        proposed_by=UserFactory(),
        title="Resirkulering av celler",
        kind=ActivityKind.WORKING_GROUP,
        description="",
        start_date=today,
        end_date=today + datetime.timedelta(days=30),
    )
    assert "Resirkulering av celler" in content(browser, ACTIVITIES)

    activity_services.activity_decide(
        activity=proposed, outcome="approved", decided_by=UserFactory()
    )
    assert "Approved" in content(browser, ACTIVITIES)

    activity_services.activity_set_status(activity=proposed, status=ActivityStatus.CANCELLED)
    assert "Resirkulering av celler" not in content(browser, ACTIVITIES)


def test_the_activity_list_shows_a_sign_up_at_once(browser, home):
    activity = ActivityFactory(title="Felles innkjøp")
    assert "<span>0 organisations</span>" in content(browser, ACTIVITIES)

    admin = member_of(home, role=Role.ADMIN)
    participation = activity_services.participation_sign_up(
        activity=activity, organisation=home, people=[admin]
    )
    assert "<span>1 organisation</span>" in content(browser, ACTIVITIES)

    activity_services.participation_withdraw(participation=participation)
    assert "<span>0 organisations</span>" in content(browser, ACTIVITIES)


def test_the_cached_activity_list_costs_fewer_queries(browser, home):
    for n in range(3):
        ActivityFactory(title=f"Arbeidsgruppe {n}")
    assert queries(browser, ACTIVITIES) == 7
    assert queries(browser, ACTIVITIES) == 4
