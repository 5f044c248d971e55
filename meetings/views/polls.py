"""The live page of the current poll, its state as JSON for the page's refresh, and the
published receipt list of a closed secret poll.

While a poll is open the pages show turnout only; after close the result computed by the
server. A receipt code is shown once, on the answer to the casting POST, and kept nowhere: the
answer is a page (200), never a redirect, so the code is in no session, URL or log.
"""

from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.generic import View

from meetings.models import Choice, Participation, Poll, PollStatus
from meetings.poll_forms import ReceiptLookupForm, VoteForm
from meetings.selectors.attendance import cast_right, cast_rights
from meetings.selectors.polls import receipt_list, receipt_lookup
from meetings.services.polls import vote_cast
from meetings.views.live import current_poll, live_state
from meetings.views.mixins import MeetingPageMixin
from members.models import Organisation, User
from portal import parsing, rules
from portal.service_errors import add_service_error, message_text

REFRESH_SECONDS = 3


class Ballot:
    """One organisation the user may cast for, with its form (None once it has voted)."""

    def __init__(self, right, form: VoteForm | None):
        self.organisation = right.organisation
        self.via_proxy = right.via_proxy
        self.form = form

    @property
    def instruction(self) -> str:
        return getattr(self.via_proxy, "instruction", "") or ""


@method_decorator(never_cache, name="dispatch")
class PollLiveView(MeetingPageMixin, View):
    """GET: the current or last poll. POST: cast one organisation's vote in the open poll."""

    template_name = "meetings/poll_live.html"

    @cached_property
    def poll(self) -> Poll | None:
        return current_poll(self.meeting)

    @property
    def voter(self) -> User:
        return cast(User, self.request.user)  # signed in: the mixin sent anyone else away

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def post(self, request, *args, **kwargs):
        poll = self.posted_poll()
        organisation = self.posted_organisation()
        if poll is None or organisation is None:
            return self.render_page(refusal=_refusal_unknown(), status=400)
        form = VoteForm(request.POST, poll=poll, organisation=organisation)
        if form.is_valid():
            try:
                code = vote_cast(
                    poll=poll,
                    organisation=organisation,
                    user=self.voter,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                add_service_error(form, error)
                return self.render_page(refusal=message_text(error), failed_form=form)
            return self.render_page(
                receipt={"code": code, "organisation": organisation, "poll": poll}
            )
        return self.render_page(failed_form=form)

    def posted_poll(self) -> Poll | None:
        poll_id = _posted_id(self.request.POST.get("poll"))
        if poll_id is None:
            return None
        return (
            Poll.objects.select_related("item")
            .filter(pk=poll_id, item__meeting=self.meeting)
            .first()
        )

    def posted_organisation(self) -> Organisation | None:
        organisation_id = _posted_id(self.request.POST.get("organisation"))
        if organisation_id is None:
            return None
        return Organisation.objects.filter(pk=organisation_id).first()

    def ballots(self, failed_form: VoteForm | None) -> list[Ballot]:
        poll = self.poll
        if poll is None or poll.status != PollStatus.OPEN:
            return []
        rights = cast_rights(meeting=self.meeting, user=self.voter, poll=poll)
        if not rights:
            return []
        voted = set(
            Participation.objects.filter(
                poll=poll, organisation__in=[right.organisation for right in rights]
            ).values_list("organisation_id", flat=True)
        )
        ballots = []
        for right in rights:
            organisation = right.organisation
            if organisation.pk in voted:
                form = None
            elif failed_form is not None and failed_form.organisation.pk == organisation.pk:
                form = failed_form
            else:
                form = VoteForm(poll=poll, organisation=organisation)
            ballots.append(Ballot(right, form))
        return ballots

    def refusals(self, ballots: list[Ballot]) -> list[str]:
        """Why the user's own organisations without a ballot here have none (the services'
        words: an observer, not the representative, not checked in ...)."""
        poll = self.poll
        if poll is None or poll.status != PollStatus.OPEN:
            return []
        with_ballot = {ballot.organisation.pk for ballot in ballots}
        reasons = []
        for organisation in rules.organisations_of(self.request.user):
            if organisation.pk in with_ballot:
                continue
            try:
                cast_right(
                    meeting=self.meeting,
                    user=self.voter,
                    organisation=organisation,
                    poll=poll,
                )
            except ValidationError as error:
                reasons.append(message_text(error))
        return reasons

    def render_page(self, *, refusal="", failed_form=None, receipt=None, status=200):
        poll = self.poll
        ballots = [] if receipt else self.ballots(failed_form)
        context = {
            "meeting": self.meeting,
            "poll": poll,
            "state": live_state(self.meeting),
            "ballots": ballots,
            "refusals": [] if receipt else self.refusals(ballots),
            "refusal": refusal,
            "receipt": receipt,
            "refresh_seconds": REFRESH_SECONDS,
        }
        return render(self.request, self.template_name, context, status=status)


@method_decorator(never_cache, name="dispatch")
class PollStateView(MeetingPageMixin, View):
    """The live state as JSON for the pages' refresh: turnout only while a poll is open."""

    def get(self, request, *args, **kwargs):
        return JsonResponse(live_state(self.meeting))


class ReceiptListView(MeetingPageMixin, View):
    """The receipt hashes of a closed secret poll with their choices, sorted by hash, with the
    list's SHA-256; a voter can look up their own code (POST, so the code is in no URL)."""

    template_name = "meetings/poll_receipts.html"

    @cached_property
    def poll(self) -> Poll:
        poll = (
            Poll.objects.select_related("item")
            .filter(
                pk=self.kwargs["poll_pk"],
                item__meeting=self.meeting,
                secret=True,
                status=PollStatus.CLOSED,
            )
            .first()
        )
        if poll is None:
            raise Http404
        return poll

    def get(self, request, *args, **kwargs):
        return self.render_page(ReceiptLookupForm())

    def post(self, request, *args, **kwargs):
        form = ReceiptLookupForm(request.POST)
        found = None
        if form.is_valid():
            found = receipt_lookup(poll=self.poll, code=form.cleaned_data["code"].strip())
            if found is None:
                form.add_error("code", _not_found())
        return self.render_page(form, found=found)

    def render_page(self, form, *, found=None):
        context = {
            "meeting": self.meeting,
            "poll": self.poll,
            "receipts": receipt_rows(self.poll),
            "form": form,
            "found": found,
        }
        return render(self.request, self.template_name, context)


@dataclass(frozen=True)
class ReceiptRow:
    receipt_hash: str
    label: str


def choice_label(choice: str, candidates, names: dict[int, str]) -> str:
    if choice == Choice.CANDIDATES or candidates:
        return ", ".join(names.get(pk, str(pk)) for pk in candidates) or str(Choice.BLANK.label)
    return str(Choice(choice).label)


def receipt_rows(poll: Poll) -> list[ReceiptRow]:
    """The published list with each choice in words (candidates by name)."""
    names = dict(poll.item.candidates.values_list("pk", "name"))
    return [
        ReceiptRow(receipt.receipt_hash, choice_label(receipt.choice, receipt.candidates, names))
        for receipt in receipt_list(poll)
    ]


def _posted_id(value) -> int | None:
    if not value:
        return None
    try:
        return parsing.parse_integer(value, signed=False, max_value=2_147_483_647)
    except ValidationError:
        return None


def _refusal_unknown() -> str:
    return gettext("Choose an organisation and a poll on this page and try again.")


def _not_found() -> str:
    return gettext("No ballot in this poll has this receipt code.")
