"""Forms of the live meeting pages: check-in, casting a vote, looking up a receipt, and the
staff control room. They parse and bind; every rule is the services' (``meetings.services``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings.models import AgendaItem, Choice, ItemKind, Poll
from members.models import Organisation, User
from portal.forms import PortalForm

RECEIPT_CODE_MAX_LENGTH = 64
MOTION_CHOICES = [(choice.value, choice.label) for choice in (Choice.YES, Choice.NO, Choice.BLANK)]


class PresenceForm(PortalForm):
    """Checking an organisation in or out; which organisations the person may act for is the
    caller's queryset, whether they may is ``check_in``'s rule."""

    CHECK_IN, CHECK_OUT = "in", "out"

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), widget=forms.HiddenInput
    )
    action = forms.ChoiceField(
        choices=[(CHECK_IN, _("Check in")), (CHECK_OUT, _("Leave"))], widget=forms.HiddenInput
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class StaffPresenceForm(PresenceForm):
    """The secretariat checks a representative (or deputy) in, in the room."""

    user = forms.ModelChoiceField(
        queryset=User.objects.all(), widget=forms.HiddenInput, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.CHECK_IN and not cleaned.get("user"):
            raise ValidationError(_("Choose who checks in for the organisation."))
        return cleaned


class VoteForm(PortalForm):
    """One organisation's ballot in one poll: yes, no or blank in a motion; at most ``seats``
    candidates in an election (none is a blank ballot)."""

    def __init__(self, *args, poll: Poll, organisation: Organisation, **kwargs):
        kwargs.setdefault("prefix", f"org{organisation.pk}")
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.organisation = organisation
        item = poll.item
        self.is_election = item.kind == ItemKind.ELECTION
        if self.is_election:
            self.seats = item.seats or 1
            self.fields["candidates"] = forms.TypedMultipleChoiceField(
                label=ngettext(
                    "Mark at most %(seats)d candidate",
                    "Mark at most %(seats)d candidates",
                    self.seats,
                )
                % {"seats": self.seats},
                choices=[(candidate.pk, candidate.name) for candidate in item.candidates.all()],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Mark none for a blank ballot."),
            )
        else:
            self.fields["choice"] = forms.ChoiceField(
                label=_("Your vote"), choices=MOTION_CHOICES, widget=forms.RadioSelect
            )

    def clean_candidates(self):
        candidates = self.cleaned_data["candidates"]
        if len(candidates) > self.seats:
            raise ValidationError(
                ngettext(
                    "Mark at most %(seats)d candidate.",
                    "Mark at most %(seats)d candidates.",
                    self.seats,
                )
                % {"seats": self.seats}
            )
        return candidates

    def service_arguments(self) -> dict:
        if self.is_election:
            return {"candidate_ids": self.cleaned_data["candidates"]}
        return {"choice": self.cleaned_data["choice"]}


class ReceiptLookupForm(PortalForm):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=RECEIPT_CODE_MAX_LENGTH,
        help_text=_("The code you were shown once when you cast the vote."),
    )


class MeetingActionForm(PortalForm):
    OPEN, CLOSE = "open", "close"

    action = forms.ChoiceField(
        choices=[(OPEN, _("Open the meeting")), (CLOSE, _("Close the meeting"))],
        widget=forms.HiddenInput,
    )


class PollCreateForm(PortalForm):
    item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), widget=forms.HiddenInput)
    secret = forms.BooleanField(label=_("Secret ballot"), required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class PollActionForm(PortalForm):
    OPEN, CLOSE = "open", "close"

    poll = forms.ModelChoiceField(queryset=Poll.objects.none(), widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[(OPEN, _("Open the poll")), (CLOSE, _("Close the poll"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, polls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["poll"].queryset = polls
