"""Members' proposals (forslag) for the agenda, and what staff do with them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import (
    AgendaItem,
    AnnualMeeting,
    ItemKind,
    MajorityRule,
    MeetingStatus,
    Proposal,
    ProposalStatus,
)
from meetings.selectors.meetings import BEFORE_OPENING, is_organisation_user
from members.models import Organisation
from members.selectors import organisations_active_on

TITLE_LENGTH = int(Proposal._meta.get_field("title").max_length or 0)
PROPOSAL_KINDS = (ItemKind.INFORMATION, ItemKind.DECISION, ItemKind.BYLAW_CHANGE)


def proposal_submit(
    *, meeting: AnnualMeeting, organisation: Organisation, title: str, text: str, actor
) -> Proposal:
    """A person of an active participant sends a proposal, until the proposals deadline
    (``proposals_due``, that day included) and never once the meeting has opened."""
    title, text = (title or "").strip(), (text or "").strip()
    if not is_organisation_user(actor, organisation):
        raise ValidationError(
            _("Only people of %(organisation)s can send its proposals.")
            % {"organisation": organisation},
            code="not_member",
        )
    if not organisations_active_on().filter(pk=organisation.pk).exists():
        raise ValidationError(
            _("Only active participants can send proposals."), code="not_participant"
        )
    if meeting.status not in BEFORE_OPENING or timezone.localdate() > meeting.proposals_due:
        raise ValidationError(
            _("The deadline for proposals was %(date)s.")
            % {"date": meeting.proposals_due.strftime("%d.%m.%Y")},
            code="deadline",
        )
    errors = {}
    if not title:
        errors["title"] = _("Give the proposal a title.")
    elif len(title) > TITLE_LENGTH:
        errors["title"] = _("Keep the title to %(n)s characters or fewer.") % {"n": TITLE_LENGTH}
    if not text:
        errors["text"] = _("Write the proposal.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Proposal.objects.create(
            meeting=meeting, organisation=organisation, submitted_by=actor, title=title, text=text
        )


def _require_undecided(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ValidationError(
            _("This proposal has already been %(status)s.")
            % {"status": proposal.get_status_display().lower()},
            code="decided",
        )
    if proposal.meeting.status in (MeetingStatus.CLOSED, MeetingStatus.MINUTES_APPROVED):
        raise ValidationError(_("The meeting has closed."), code="meeting_closed")


def proposal_place_on_agenda(
    *, proposal: Proposal, actor, kind: str = ItemKind.DECISION
) -> AgendaItem:
    """Staff place a proposal on the agenda as a new last item (information, decision or
    bylaw change; bylaw changes need two thirds). Meeting row locked for the numbering."""
    if kind not in PROPOSAL_KINDS:
        raise ValidationError(
            {"kind": _("A proposal becomes an information, decision or bylaw change item.")}
        )
    with transaction.atomic():
        AnnualMeeting.objects.select_for_update().only("pk").get(pk=proposal.meeting_id)
        proposal = (
            Proposal.objects.select_for_update().select_related("meeting").get(pk=proposal.pk)
        )
        _require_undecided(proposal)
        last = proposal.meeting.agenda.aggregate(last=Max("position"))["last"] or 0
        item = AgendaItem.objects.create(
            meeting=proposal.meeting,
            position=last + 1,
            kind=kind,
            title=proposal.title,
            description=proposal.text,
            majority_rule=(
                MajorityRule.TWO_THIRDS if kind == ItemKind.BYLAW_CHANGE else MajorityRule.SIMPLE
            ),
        )
        proposal.status = ProposalStatus.ON_AGENDA
        proposal.agenda_item = item
        proposal.save(update_fields=["status", "agenda_item"])
    return item


def proposal_answer(*, proposal: Proposal, answer: str, actor) -> Proposal:
    """Staff answer a proposal instead of placing it on the agenda; the answer is kept."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update().select_related("meeting").get(pk=proposal.pk)
        )
        _require_undecided(proposal)
        proposal.status = ProposalStatus.ANSWERED
        proposal.answer = answer
        proposal.save(update_fields=["status", "answer"])
    return proposal
