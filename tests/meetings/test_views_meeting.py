"""The meetings list and the meeting page: who sees what, the user's organisations' standing,
representative and proxies, the agenda with its results, the documents."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    ItemKind,
    MajorityRule,
    MeetingDocument,
    MeetingStatus,
    Minutes,
    Poll,
    PollStatus,
    Proposal,
)
from meetings.services.representation import proxy_give, representative_name
from members.models import OrganisationRole
from tests.factories import AgendaItemFactory, AnnualMeetingFactory, member_of
from tests.helpers import logged_in
from tests.meetings.minutes_helpers import held_meeting
from tests.meetings.views_world import page_text, world

pytestmark = pytest.mark.django_db


def detail(meeting):
    return reverse("meetings:detail", kwargs={"year": meeting.year})


@pytest.fixture
def w():
    return world()


# --- List ------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_meetings_first_then_past_ones_with_their_minutes(w):
    past = held_meeting(year=2026)
    AnnualMeetingFactory(year=2028, starts_at=timezone.now() + datetime.timedelta(days=400))
    response = logged_in(w.voter_member).get(reverse("meetings:list"))
    assert response.status_code == 200
    assert [m.year for m in response.context["upcoming"]] == [2027]
    assert [m.year for m in response.context["past"]] == [2026]
    content = page_text(response)
    assert content.index("Annual meeting 2027") < content.index("Annual meeting 2026")
    assert "Annual meeting 2028" not in content  # a draft
    assert reverse("meetings:minutes", kwargs={"year": 2026}) not in content

    Minutes.objects.create(
        meeting=past,
        version=1,
        draft_pdf="meetings/minutes/utkast.pdf",
        draft_sha256="a" * 64,
        pdf="meetings/minutes/protokoll.pdf",
        sha256="b" * 64,
        approved_at=timezone.now(),
        created_by=w.staff,
    )
    content = page_text(logged_in(w.voter_member).get(reverse("meetings:list")))
    assert reverse("meetings:minutes", kwargs={"year": 2026}) in content


def test_the_secretariat_sees_draft_meetings_in_the_list(w, staff_client):
    AnnualMeetingFactory(year=2028, starts_at=timezone.now() + datetime.timedelta(days=400))
    response = staff_client.get(reverse("meetings:list"))
    assert [m.year for m in response.context["upcoming"]] == [2027, 2028]


def test_signed_out_visitors_are_sent_to_sign_in(client, w):
    response = client.get(detail(w.meeting))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_person_of_an_organisation_no_longer_participating_gets_the_members_only_page(w):
    client = logged_in(w.inactive_person)
    for url in (reverse("meetings:list"), detail(w.meeting)):
        response = client.get(url)
        assert response.status_code == 403
        assert "members/members_only.html" in [t.name for t in response.templates]


def test_a_draft_meeting_is_a_404_for_members_and_open_to_the_secretariat(w, staff_client):
    w.meeting.status = MeetingStatus.DRAFT
    w.meeting.save(update_fields=["status"])
    assert logged_in(w.voter_admin).get(detail(w.meeting)).status_code == 404
    response = staff_client.get(detail(w.meeting))
    assert response.status_code == 200
    content = page_text(response)
    assert reverse("admin:meetings_annualmeeting_change", args=[w.meeting.pk]) in content


def test_a_year_without_a_meeting_is_a_404(w):
    assert logged_in(w.voter_member).get("/meetings/1999/").status_code == 404


# --- Meeting page ----------------------------------------------------------------------------


def test_the_meeting_page_shows_date_place_record_date_deadlines_and_the_agenda(w):
    AgendaItemFactory(
        meeting=w.meeting, position=1, kind=ItemKind.INFORMATION, title="Årsberetning"
    )
    AgendaItemFactory(
        meeting=w.meeting,
        position=2,
        kind=ItemKind.BYLAW_CHANGE,
        title="Vedtektsendring",
        majority_rule=MajorityRule.TWO_THIRDS,
    )
    AgendaItemFactory(
        meeting=w.meeting, position=3, kind=ItemKind.ELECTION, title="Valg av styre", seats=2
    )
    response = logged_in(w.voter_member).get(detail(w.meeting))
    assert response.status_code == 200
    content = page_text(response)
    for text in (
        "Eyde-huset, Arendal",
        "March 10, 2027",
        "Feb. 1, 2027",  # record date
        "Feb. 24, 2027",  # proposals due (14 days before)
        "March 3, 2027",  # documents due (7 days before)
        "Notice sent",
        "Live meeting (representatives check in)",
        "1. Årsberetning",
        "Bylaw change",
        "Two thirds of votes cast",
        "2 seats",
        w.meeting.roll_fingerprint,
    ):
        assert text in content, text
    assert reverse("meetings:roll", kwargs={"year": 2027}) in content


def test_the_page_shows_the_users_organisation_with_its_standing_representative_and_proxy(w):
    deputy = member_of(w.voter, full_name="Per Vara")
    representative_name(
        meeting=w.meeting,
        organisation=w.voter,
        user=w.voter_member,
        deputy=deputy,
        actor=w.voter_admin,
    )
    proxy_give(meeting=w.meeting, giver=w.voter, holder=w.other_voter, actor=w.voter_admin)
    Proposal.objects.create(
        meeting=w.meeting,
        organisation=w.voter,
        submitted_by=w.voter_member,
        title="Nytt fagforum",
        text="Vi foreslår et fagforum for gjenvinning.",
    )
    response = logged_in(w.voter_admin).get(detail(w.meeting))
    content = page_text(response)
    (part,) = response.context["parts"]
    assert part.standing.is_voter
    for text in (
        "Nordlys Celler AS",
        "Voting right",
        "Core company on the record date",
        "Lars Øien",
        "Per Vara",
        "Vestkyst Batteri AS",
        "Nytt fagforum",
        "Submitted",
    ):
        assert text in content, text
    assert reverse("meetings:representation", kwargs={"year": 2027, "pk": w.voter.pk}) in content
    assert reverse("meetings:proposal_new", kwargs={"year": 2027, "pk": w.voter.pk}) in content

    holder_page = logged_in(w.other_admin).get(detail(w.meeting))
    (held,) = holder_page.context["parts"][0].proxies_held
    assert held.giver == w.voter


def test_an_observer_sees_why_it_has_no_vote_and_a_plain_member_no_admin_link(w):
    response = logged_in(w.observer_admin).get(detail(w.meeting))
    content = page_text(response)
    assert "Observer" in content
    assert "Not a core company on the record date: observer" in content

    member_page = page_text(logged_in(w.voter_member).get(detail(w.meeting)))
    assert (
        reverse("meetings:representation", kwargs={"year": 2027, "pk": w.voter.pk})
        not in member_page
    )


def test_before_the_roll_is_frozen_the_standing_is_derived_from_the_membership_history():
    unfrozen = world(frozen=False)
    response = logged_in(unfrozen.observer_admin).get(detail(unfrozen.meeting))
    (part,) = response.context["parts"]
    assert part.standing.standing_label == "Observer"
    assert "Not a core company on the record date: observer" in page_text(response)


def test_a_closed_poll_shows_its_result_and_the_sentence_of_why(w, client_nb):
    meeting = held_meeting(year=2026)
    response = logged_in(w.voter_member).get(detail(meeting))
    content = page_text(response)
    # In the reader's language (the minutes keep the Norwegian sentence stored at close).
    assert "Adopted with 2 of 3 votes cast; required: two thirds." in content
    client_nb.force_login(w.voter_member)
    nb_content = page_text(client_nb.get(detail(meeting)))
    assert "Vedtatt med 2 av 3 avgitte stemmer; krav: to tredjedels flertall." in nb_content
    assert "Kari Nordmann" in content
    assert "by draw" in content
    assert reverse("meetings:minutes", kwargs={"year": 2026}) in content


def test_an_open_poll_is_not_shown_with_a_result(w):
    item = AgendaItemFactory(meeting=w.meeting, position=1, title="Budsjett")
    Poll.objects.create(item=item, status=PollStatus.OPEN, result={"sentence": "Hemmelig"})
    response = logged_in(w.voter_member).get(detail(w.meeting))
    assert "Hemmelig" not in page_text(response)
    assert response.context["has_open_poll"] is True


def test_staff_get_links_to_the_administration_and_the_control_room(w, staff_client):
    content = page_text(staff_client.get(detail(w.meeting)))
    assert reverse("admin:meetings_annualmeeting_change", args=[w.meeting.pk]) in content
    assert reverse("meetings:staff_room", kwargs={"year": 2027}) in content
    member_content = page_text(logged_in(w.voter_member).get(detail(w.meeting)))
    assert "/admin/" not in member_content
    assert reverse("meetings:staff_room", kwargs={"year": 2027}) not in member_content


def test_an_open_meeting_links_to_the_live_poll_page(w):
    live = reverse("meetings:poll_live", kwargs={"year": 2027})
    assert live not in page_text(logged_in(w.voter_member).get(detail(w.meeting)))
    w.meeting.status = MeetingStatus.OPEN
    w.meeting.save(update_fields=["status"])
    assert live in page_text(logged_in(w.voter_member).get(detail(w.meeting)))


@pytest.mark.parametrize("organisations", [1, 3])
def test_the_meeting_page_makes_a_fixed_number_of_queries(
    w, django_assert_num_queries, organisations
):
    for organisation in (w.other_voter, w.observer)[: organisations - 1]:
        OrganisationRole.objects.create(user=w.voter_admin, organisation=organisation)
    for position in range(1, 4):
        AgendaItemFactory(meeting=w.meeting, position=position)
    client = logged_in(w.voter_admin)
    # session, user, meeting, the user's organisations, roll entries, representatives,
    # proxies, proposals, agenda with polls, candidates, documents
    with django_assert_num_queries(11):
        response = client.get(detail(w.meeting))
    assert len(response.context["parts"]) == organisations


def test_the_meeting_page_is_norwegian_by_default(w, client_nb):
    client_nb.force_login(w.voter_member)
    response = client_nb.get(detail(w.meeting))
    content = page_text(response)
    assert '<html lang="nb">' in content
    assert "Eyde-huset, Arendal" in content
    assert "10. mars 2027" in content


# --- Documents -------------------------------------------------------------------------------


def test_a_document_downloads_for_members_and_another_meetings_document_is_a_404(w):
    document = MeetingDocument(meeting=w.meeting, title="Årsregnskap")
    document.file.save("arsregnskap.pdf", ContentFile(b"%PDF-1.7 regnskap"), save=True)
    url = reverse("meetings:document", kwargs={"year": 2027, "document_pk": document.pk})
    response = logged_in(w.voter_member).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 regnskap"
    assert "Årsregnskap" in page_text(logged_in(w.voter_member).get(detail(w.meeting)))

    other = held_meeting(year=2026)
    wrong = reverse("meetings:document", kwargs={"year": other.year, "document_pk": document.pk})
    assert logged_in(w.voter_member).get(wrong).status_code == 404
