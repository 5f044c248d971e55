import pytest
from django.core.exceptions import ValidationError

from meetings.models import EventKind, MeetingMode, Presence
from meetings.services.presence import check_in, check_out
from tests.factories import UserFactory
from tests.meetings.meeting_helpers import noticed, opened, represented, voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def alfa():
    return voter("Alfa AS")


def messages(error) -> str:
    return " ".join(error.value.messages)


def intervals(meeting, organisation):
    return [
        (p.user, p.checked_out_at is None)
        for p in Presence.objects.filter(meeting=meeting, organisation=organisation)
    ]


def test_the_representative_checks_in_and_out_and_comes_back_as_a_new_interval(alfa):
    meeting = opened()
    rep = represented(meeting, alfa).user

    first = check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)
    check_out(meeting=meeting, organisation=alfa, actor=rep)
    second = check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    first.refresh_from_db()
    assert first.checked_out_at is not None
    assert first.checked_out_at >= first.checked_in_at
    assert second.pk != first.pk
    assert intervals(meeting, alfa) == [(rep, False), (rep, True)]
    kinds = list(meeting.events.order_by("sequence").values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.CHECKED_IN, EventKind.CHECKED_OUT, EventKind.CHECKED_IN]


def test_staff_check_a_representative_in(alfa):
    meeting = opened()
    rep = represented(meeting, alfa).user
    staff = UserFactory(is_staff=True)

    presence = check_in(meeting=meeting, organisation=alfa, user=rep, actor=staff)

    assert (presence.user, presence.checked_in_by) == (rep, staff)
    assert meeting.events.order_by("-sequence").first().payload["by_staff"] is True


def test_nobody_checks_in_someone_else(alfa):
    meeting = opened()
    representative = represented(meeting, alfa, deputy=True)

    with pytest.raises(ValidationError) as refused:
        check_in(
            meeting=meeting,
            organisation=alfa,
            user=representative.user,
            actor=representative.deputy,
        )

    assert messages(refused) == "You can check in only yourself; the secretariat checks in others."


def test_only_the_representative_or_deputy_checks_in(alfa):
    meeting = opened()
    represented(meeting, alfa)
    stranger = UserFactory()

    with pytest.raises(ValidationError) as refused:
        check_in(meeting=meeting, organisation=alfa, user=stranger, actor=stranger)

    assert (
        messages(refused) == "Only the representative or the deputy of Alfa AS can be checked in."
    )


def test_check_in_waits_for_the_meeting_to_open(alfa):
    meeting = noticed()
    rep = represented(meeting, alfa).user

    with pytest.raises(ValidationError) as refused:
        check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    assert messages(refused) == "Check-in opens when the meeting opens."


def test_a_written_meeting_has_no_check_in(alfa):
    meeting = opened(mode=MeetingMode.WRITTEN)
    rep = represented(meeting, alfa).user

    with pytest.raises(ValidationError) as refused:
        check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    assert messages(refused) == "A written meeting has no check-in."


def test_checking_in_twice_is_refused(alfa):
    meeting = opened()
    rep = represented(meeting, alfa).user
    check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    with pytest.raises(ValidationError) as refused:
        check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    assert messages(refused) == f"{rep} is already checked in for Alfa AS."


def test_the_deputy_checks_in_only_while_the_representative_is_away(alfa):
    meeting = opened()
    representative = represented(meeting, alfa, deputy=True)
    rep, deputy = representative.user, representative.deputy
    check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    with pytest.raises(ValidationError) as refused:
        check_in(meeting=meeting, organisation=alfa, user=deputy, actor=deputy)
    check_out(meeting=meeting, organisation=alfa, actor=rep)
    check_in(meeting=meeting, organisation=alfa, user=deputy, actor=deputy)

    assert messages(refused) == (
        "The deputy can check in only while the representative is not checked in."
    )
    assert intervals(meeting, alfa) == [(rep, False), (deputy, True)]


def test_the_representative_arriving_takes_over_from_the_deputy(alfa):
    meeting = opened()
    representative = represented(meeting, alfa, deputy=True)
    rep, deputy = representative.user, representative.deputy
    check_in(meeting=meeting, organisation=alfa, user=deputy, actor=deputy)

    check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    assert intervals(meeting, alfa) == [(deputy, False), (rep, True)]
    left = meeting.events.filter(kind=EventKind.CHECKED_OUT).get()
    assert left.payload == {
        "organisation": alfa.organisation_number,
        "user": deputy.pk,
        "why": "representative_took_over",
    }


def test_checking_out_without_being_in_is_refused(alfa):
    meeting = opened()
    represented(meeting, alfa)

    with pytest.raises(ValidationError) as refused:
        check_out(meeting=meeting, organisation=alfa, actor=alfa.admin)

    assert messages(refused) == "Alfa AS is not checked in."


def test_only_the_present_person_or_staff_checks_out(alfa):
    meeting = opened()
    rep = represented(meeting, alfa).user
    check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)

    with pytest.raises(ValidationError) as refused:
        check_out(meeting=meeting, organisation=alfa, actor=UserFactory())
    check_out(meeting=meeting, organisation=alfa, actor=UserFactory(is_staff=True))

    assert messages(refused) == "Only the person checked in, or the secretariat, can check out."
    assert intervals(meeting, alfa) == [(rep, False)]
