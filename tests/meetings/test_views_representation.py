"""An organisation admin names the voting representative and deputy, gives and withdraws a
proxy; observers see why they cannot vote; every refusal shows at the form, nothing saved."""

import pytest
from django.urls import reverse

from meetings.models import MeetingStatus, Proxy, Representative, RollEntry, RollReason, Standing
from meetings.services.representation import proxy_give
from tests.factories import active_organisation, member_of
from tests.helpers import logged_in
from tests.meetings.views_world import page_text, world

pytestmark = pytest.mark.django_db


def page(w, organisation=None):
    organisation = organisation or w.voter
    return reverse("meetings:representation", kwargs={"year": 2027, "pk": organisation.pk})


def withdraw_url(w, proxy, organisation=None):
    organisation = organisation or w.voter
    return reverse(
        "meetings:proxy_withdraw",
        kwargs={"year": 2027, "pk": organisation.pk, "proxy_pk": proxy.pk},
    )


def name(client, w, user, deputy=None, organisation=None):
    return client.post(
        page(w, organisation),
        {
            "action": "representative",
            "representative-user": user.pk,
            "representative-deputy": deputy.pk if deputy else "",
        },
    )


def give(client, w, holder, instruction=""):
    return client.post(
        page(w), {"action": "proxy", "proxy-holder": holder.pk, "proxy-instruction": instruction}
    )


@pytest.fixture
def w():
    return world()


def test_the_admin_sees_the_standing_and_both_forms(w):
    response = logged_in(w.voter_admin).get(page(w))
    assert response.status_code == 200
    content = page_text(response)
    assert "Voting right" in content
    assert "Core company on the record date" in content
    assert set(response.context["representative_form"].fields["user"].queryset) == {
        w.voter_admin,
        w.voter_member,
    }
    # the other voting organisations only: not itself, not the observer
    assert list(response.context["proxy_form"].fields["holder"].queryset) == [w.other_voter]


def test_another_organisations_page_and_a_plain_member_get_a_404(w):
    assert logged_in(w.other_admin).get(page(w)).status_code == 404
    assert logged_in(w.voter_member).get(page(w)).status_code == 404
    assert logged_in(w.inactive_person).get(page(w)).status_code == 404
    response = name(logged_in(w.other_admin), w, w.other_admin)
    assert response.status_code == 404
    assert not Representative.objects.exists()


def test_the_admin_names_the_representative_and_deputy(w):
    client = logged_in(w.voter_admin)
    response = name(client, w, w.voter_member, deputy=w.voter_admin)
    assert response.status_code == 302
    assert response["Location"] == page(w)
    representative = Representative.objects.get()
    assert (representative.user, representative.deputy, representative.named_by) == (
        w.voter_member,
        w.voter_admin,
        w.voter_admin,
    )
    content = page_text(client.get(page(w)))
    assert "The voting representative is saved." in content
    assert "Lars Øien" in content


def test_a_refused_deputy_shows_at_the_form_and_nothing_is_saved(w):
    response = name(logged_in(w.voter_admin), w, w.voter_member, deputy=w.voter_member)
    assert response.status_code == 200
    form = response.context["representative_form"]
    assert form.errors["deputy"] == ["The deputy must be someone other than the representative."]
    assert not Representative.objects.exists()


def test_someone_of_another_organisation_cannot_be_chosen(w):
    response = name(logged_in(w.voter_admin), w, w.other_admin)
    assert "user" in response.context["representative_form"].errors
    assert not Representative.objects.exists()


def test_an_observers_admin_sees_why_and_cannot_name_a_representative(w):
    client = logged_in(w.observer_admin)
    content = page_text(client.get(page(w, w.observer)))
    assert "Not a core company on the record date: observer" in content
    assert "Your organisation has no vote at this meeting" in content
    assert 'name="representative-user"' not in content

    response = name(client, w, w.observer_admin, organisation=w.observer)
    assert response.status_code == 200
    assert response.context["representative_form"].non_field_errors() == [
        "Polar Logistikk AS has no voting right at this meeting."
    ]
    assert "Polar Logistikk AS has no voting right at this meeting." in page_text(response)
    assert not Representative.objects.exists()


def test_the_admin_gives_a_proxy_with_an_instruction(w):
    client = logged_in(w.voter_admin)
    response = give(client, w, w.other_voter, instruction="Stem ja til budsjettet.")
    assert response.status_code == 302
    proxy = Proxy.objects.get()
    assert (proxy.giver, proxy.holder, proxy.instruction, proxy.given_by) == (
        w.voter,
        w.other_voter,
        "Stem ja til budsjettet.",
        w.voter_admin,
    )
    content = page_text(client.get(page(w)))
    assert "Vestkyst Batteri AS now holds your organisation&#x27;s proxy." in content
    assert "Stem ja til budsjettet." in content
    assert withdraw_url(w, proxy) in content

    holder_page = logged_in(w.other_admin).get(page(w, w.other_voter))
    assert holder_page.context["proxies_held"] == [proxy]


def test_a_proxy_to_an_observer_is_not_a_choice_and_nothing_is_saved(w):
    response = give(logged_in(w.voter_admin), w, w.observer)
    assert "holder" in response.context["proxy_form"].errors
    assert not Proxy.objects.exists()


def test_a_proxy_refused_by_the_service_shows_at_the_form_and_nothing_is_saved(w):
    # the holder has given its own proxy away: it cannot hold one (no chains)
    third = world_voter(w)
    proxy_give(meeting=w.meeting, giver=w.other_voter, holder=third, actor=w.other_admin)
    response = give(logged_in(w.voter_admin), w, w.other_voter)
    assert response.status_code == 200
    errors = response.context["proxy_form"].errors["holder"]
    assert "cannot hold one: a proxy cannot be passed on" in errors[0]
    assert Proxy.objects.filter(giver=w.voter).count() == 0


def world_voter(w):
    organisation = active_organisation(name="Tredje Celle AS")
    RollEntry.objects.create(
        meeting=w.meeting,
        organisation=organisation,
        standing=Standing.VOTER,
        reason=RollReason.CORE,
    )
    return organisation


def test_the_admin_withdraws_the_standing_proxy(w):
    proxy = proxy_give(meeting=w.meeting, giver=w.voter, holder=w.other_voter, actor=w.voter_admin)
    client = logged_in(w.voter_admin)
    response = client.post(withdraw_url(w, proxy))
    assert response.status_code == 302
    proxy.refresh_from_db()
    assert proxy.withdrawn_at is not None
    assert proxy.withdrawn_by == w.voter_admin
    assert "The proxy is withdrawn." in page_text(client.get(page(w)))


def test_another_organisations_proxy_cannot_be_withdrawn(w):
    proxy = proxy_give(meeting=w.meeting, giver=w.voter, holder=w.other_voter, actor=w.voter_admin)
    # the holder's admin, on its own organisation's URL: not its proxy to withdraw
    response = logged_in(w.other_admin).post(withdraw_url(w, proxy, w.other_voter))
    assert response.status_code == 404
    # and on the giver's URL: not its organisation
    assert logged_in(w.other_admin).post(withdraw_url(w, proxy)).status_code == 404
    assert logged_in(w.voter_member).post(withdraw_url(w, proxy)).status_code == 404
    assert logged_in(w.voter_admin).get(withdraw_url(w, proxy)).status_code == 405
    proxy.refresh_from_db()
    assert proxy.withdrawn_at is None


def test_once_the_meeting_has_opened_a_withdrawal_is_refused_with_a_message(w):
    proxy = proxy_give(meeting=w.meeting, giver=w.voter, holder=w.other_voter, actor=w.voter_admin)
    w.meeting.status = MeetingStatus.OPEN
    w.meeting.save(update_fields=["status"])
    client = logged_in(w.voter_admin)
    response = client.post(withdraw_url(w, proxy), follow=True)
    assert "A proxy can be withdrawn only until the meeting opens." in page_text(response)
    proxy.refresh_from_db()
    assert proxy.withdrawn_at is None

    refused = name(client, w, w.voter_member)
    assert refused.context["representative_form"].non_field_errors() == [
        "The meeting has opened: the representative can no longer be changed."
    ]
    assert not Representative.objects.exists()


def test_a_draft_meeting_is_a_404_for_the_admin(w):
    w.meeting.status = MeetingStatus.DRAFT
    w.meeting.save(update_fields=["status"])
    assert logged_in(w.voter_admin).get(page(w)).status_code == 404


def test_a_new_person_of_the_organisation_can_be_named(w):
    newcomer = member_of(w.voter, full_name="Nina Ny")
    name(logged_in(w.voter_admin), w, newcomer)
    assert Representative.objects.get().user == newcomer
