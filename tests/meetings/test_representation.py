import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from meetings.models import EventKind, Proxy, Representative
from meetings.selectors.meetings import proxies_held_by, proxy_given_by
from meetings.services.representation import proxy_give, proxy_withdraw, representative_name
from members.models import Role
from portal.models import OutboundEmail
from tests.factories import AnnualMeetingFactory, UserFactory, member_of
from tests.helpers import in_norwegian
from tests.meetings.meeting_helpers import noticed, observer, opened, voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return voter("Alfa AS"), voter("Beta AS"), voter("Gamma AS"), observer("Observatør AS")


def messages(error) -> str:
    return " ".join(error.value.messages)


# --- Representatives ------------------------------------------------------------------------


def test_an_admin_names_a_representative_and_a_deputy_and_may_change_them(orgs):
    alfa = orgs[0]
    meeting = noticed()
    colleague = member_of(alfa, Role.MEMBER)

    representative = representative_name(
        meeting=meeting, organisation=alfa, user=alfa.admin, deputy=colleague, actor=alfa.admin
    )
    again = representative_name(
        meeting=meeting, organisation=alfa, user=colleague, actor=alfa.admin
    )

    assert again.pk == representative.pk
    assert (again.user, again.deputy, again.named_by) == (colleague, None, alfa.admin)
    assert Representative.objects.count() == 1


def test_a_representative_can_be_named_before_the_roll_is_frozen(orgs):
    alfa = orgs[0]

    representative = representative_name(
        meeting=AnnualMeetingFactory(), organisation=alfa, user=alfa.admin, actor=alfa.admin
    )

    assert representative.user == alfa.admin


def test_a_member_who_is_not_admin_cannot_name_the_representative(orgs):
    alfa = orgs[0]
    member = member_of(alfa, Role.MEMBER)

    with pytest.raises(ValidationError) as refused:
        representative_name(meeting=noticed(), organisation=alfa, user=member, actor=member)

    assert messages(refused) == "Only an administrator of Alfa AS can name its representative."


def test_an_observer_names_no_representative(orgs):
    watcher = orgs[3]

    with pytest.raises(ValidationError) as refused:
        representative_name(
            meeting=noticed(), organisation=watcher, user=watcher.admin, actor=watcher.admin
        )

    assert messages(refused) == "Observatør AS has no voting right at this meeting."


def test_the_representative_and_deputy_are_people_of_the_organisation(orgs):
    alfa, beta = orgs[0], orgs[1]
    meeting = noticed()

    with pytest.raises(ValidationError) as stranger:
        representative_name(meeting=meeting, organisation=alfa, user=beta.admin, actor=alfa.admin)
    with pytest.raises(ValidationError) as stranger_deputy:
        representative_name(
            meeting=meeting,
            organisation=alfa,
            user=alfa.admin,
            deputy=beta.admin,
            actor=alfa.admin,
        )
    with pytest.raises(ValidationError) as same:
        representative_name(
            meeting=meeting,
            organisation=alfa,
            user=alfa.admin,
            deputy=alfa.admin,
            actor=alfa.admin,
        )

    assert messages(stranger) == "The representative must be a person of Alfa AS."
    assert messages(stranger_deputy) == "The deputy must be a person of Alfa AS."
    assert messages(same) == "The deputy must be someone other than the representative."


def test_the_representative_is_fixed_once_the_meeting_opens(orgs):
    alfa = orgs[0]
    meeting = opened()

    with pytest.raises(ValidationError) as refused:
        representative_name(meeting=meeting, organisation=alfa, user=alfa.admin, actor=alfa.admin)

    assert messages(refused) == (
        "The meeting has opened: the representative can no longer be changed."
    )


# --- Proxies ----------------------------------------------------------------------------------


def test_a_proxy_is_given_with_an_instruction_an_event_and_receipts_to_both(
    orgs, django_capture_on_commit_callbacks
):
    alfa, beta = orgs[0], orgs[1]
    meeting = noticed()

    with django_capture_on_commit_callbacks(execute=True):
        proxy = proxy_give(
            meeting=meeting,
            giver=alfa,
            holder=beta,
            instruction="Stem for budsjettet.",
            actor=alfa.admin,
        )

    assert proxy_given_by(meeting, alfa) == proxy
    assert list(proxies_held_by(meeting, beta)) == [proxy]
    event = meeting.events.order_by("-sequence").first()
    assert (event.kind, event.payload["giver"], event.payload["holder"]) == (
        EventKind.PROXY_GIVEN,
        alfa.organisation_number,
        beta.organisation_number,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alfa.admin.email, beta.admin.email])
    given = in_norwegian(
        "%(giver)s has given its proxy for the annual meeting %(year)s of Battery Norway to "
        "%(holder)s. The representative of %(holder)s casts %(giver)s's vote."
    ) % {"giver": "Alfa AS", "holder": "Beta AS", "year": meeting.year}
    assert all(given in m.body for m in mail.outbox)
    assert all("Stem for budsjettet." in m.body for m in mail.outbox)


def test_a_proxy_to_oneself_is_refused(orgs):
    alfa = orgs[0]

    with pytest.raises(ValidationError) as refused:
        proxy_give(meeting=noticed(), giver=alfa, holder=alfa, actor=alfa.admin)

    assert messages(refused) == "An organisation cannot give its proxy to itself."


def test_only_an_admin_of_the_giver_gives_its_proxy(orgs):
    alfa, beta = orgs[0], orgs[1]

    with pytest.raises(ValidationError) as refused:
        proxy_give(meeting=noticed(), giver=alfa, holder=beta, actor=beta.admin)

    assert messages(refused) == "Only an administrator of Alfa AS can give its proxy."


def test_an_observer_neither_gives_nor_holds_a_proxy(orgs):
    alfa, watcher = orgs[0], orgs[3]
    meeting = noticed()

    with pytest.raises(ValidationError) as gives:
        proxy_give(meeting=meeting, giver=watcher, holder=alfa, actor=watcher.admin)
    with pytest.raises(ValidationError) as holds:
        proxy_give(meeting=meeting, giver=alfa, holder=watcher, actor=alfa.admin)

    assert messages(gives) == "Observatør AS has no voting right at this meeting."
    assert messages(holds) == "Observatør AS has no voting right at this meeting."


def test_the_holder_limit_is_kept(orgs):
    alfa, beta, gamma, _watcher = orgs
    meeting = noticed()
    proxy_give(meeting=meeting, giver=alfa, holder=gamma, actor=alfa.admin)

    with pytest.raises(ValidationError) as refused:
        proxy_give(meeting=meeting, giver=beta, holder=gamma, actor=beta.admin)

    assert messages(refused) == (
        "Gamma AS already carries 1 proxies, the most one holder may carry at this meeting."
    )


def test_a_higher_limit_lets_a_holder_carry_more(orgs):
    alfa, beta, gamma, _watcher = orgs
    meeting = noticed(proxy_limit=2)

    proxy_give(meeting=meeting, giver=alfa, holder=gamma, actor=alfa.admin)
    proxy_give(meeting=meeting, giver=beta, holder=gamma, actor=beta.admin)

    assert proxies_held_by(meeting, gamma).count() == 2


def test_no_chains_a_holder_cannot_give_and_a_giver_cannot_hold(orgs):
    alfa, beta, gamma, _watcher = orgs
    meeting = noticed(proxy_limit=3)
    proxy_give(meeting=meeting, giver=alfa, holder=beta, actor=alfa.admin)

    with pytest.raises(ValidationError) as holder_gives:
        proxy_give(meeting=meeting, giver=beta, holder=gamma, actor=beta.admin)
    with pytest.raises(ValidationError) as giver_holds:
        proxy_give(meeting=meeting, giver=gamma, holder=alfa, actor=gamma.admin)

    assert messages(holder_gives) == (
        "Beta AS holds proxies of other organisations and cannot give its own vote on: a proxy "
        "cannot be passed on."
    )
    assert messages(giver_holds) == (
        "Alfa AS has given its own proxy to Beta AS and cannot hold one: a proxy cannot be "
        "passed on."
    )


def test_a_second_proxy_of_the_same_giver_is_refused(orgs):
    alfa, beta, gamma, _watcher = orgs
    meeting = noticed()
    proxy_give(meeting=meeting, giver=alfa, holder=beta, actor=alfa.admin)

    with pytest.raises(ValidationError) as refused:
        proxy_give(meeting=meeting, giver=alfa, holder=gamma, actor=alfa.admin)

    assert messages(refused) == "Alfa AS has already given its proxy to Beta AS; withdraw it first."


def test_proxies_are_refused_where_the_meeting_allows_none(orgs):
    alfa, beta = orgs[0], orgs[1]

    with pytest.raises(ValidationError) as refused:
        proxy_give(
            meeting=noticed(proxies_allowed=False), giver=alfa, holder=beta, actor=alfa.admin
        )

    assert messages(refused) == "Proxies are not allowed at this meeting."


def test_a_withdrawn_proxy_frees_the_holder_and_is_kept(orgs, django_capture_on_commit_callbacks):
    alfa, beta, gamma, _watcher = orgs
    meeting = noticed()
    proxy = proxy_give(meeting=meeting, giver=alfa, holder=gamma, actor=alfa.admin)

    with django_capture_on_commit_callbacks(execute=True):
        proxy_withdraw(proxy=proxy, actor=alfa.admin)
    proxy_give(meeting=meeting, giver=beta, holder=gamma, actor=beta.admin)

    proxy.refresh_from_db()
    assert (proxy.withdrawn_by, proxy.is_standing) == (alfa.admin, False)
    assert Proxy.objects.count() == 2
    assert meeting.events.filter(kind=EventKind.PROXY_WITHDRAWN).count() == 1
    receipts = OutboundEmail.objects.filter(key__startswith=f"meeting-proxy:{proxy.pk}:withdrawn")
    assert receipts.count() == 2
    withdrawn = in_norwegian(
        "%(giver)s has withdrawn the proxy for the annual meeting %(year)s of Battery Norway "
        "that it gave to %(holder)s."
    ) % {"giver": "Alfa AS", "holder": gamma.name, "year": meeting.year}
    assert all(withdrawn in m.body for m in mail.outbox)


def test_a_proxy_is_withdrawn_once_and_only_by_the_giver(orgs):
    alfa, beta = orgs[0], orgs[1]
    meeting = noticed()
    proxy = proxy_give(meeting=meeting, giver=alfa, holder=beta, actor=alfa.admin)

    with pytest.raises(ValidationError) as holder:
        proxy_withdraw(proxy=proxy, actor=beta.admin)
    proxy_withdraw(proxy=proxy, actor=UserFactory(is_staff=True))
    with pytest.raises(ValidationError) as twice:
        proxy_withdraw(proxy=proxy, actor=alfa.admin)

    assert messages(holder) == "Only an administrator of Alfa AS can withdraw its proxy."
    assert messages(twice) == "This proxy has already been withdrawn."


def test_proxies_are_given_and_withdrawn_only_until_the_meeting_opens(orgs):
    alfa, beta = orgs[0], orgs[1]
    meeting = noticed()
    proxy = proxy_give(meeting=meeting, giver=alfa, holder=beta, actor=alfa.admin)
    opened(meeting)

    with pytest.raises(ValidationError) as give:
        proxy_give(meeting=meeting, giver=orgs[2], holder=beta, actor=orgs[2].admin)
    with pytest.raises(ValidationError) as withdraw:
        proxy_withdraw(proxy=proxy, actor=alfa.admin)

    assert messages(give) == "Proxies can be given only until the meeting opens."
    assert messages(withdraw) == "A proxy can be withdrawn only until the meeting opens."
