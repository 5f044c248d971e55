"""Forms of the meetings admin's intermediate action pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import ItemKind, RollChange, Standing
from meetings.services.proposals import PROPOSAL_KINDS
from portal.forms import PortalForm


class NoticeForm(PortalForm):
    late_reason = forms.CharField(
        label=_("Why the notice is late"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Only needed when the notice goes out later than the notice period allows. "
            "Kept as evidence in the minutes."
        ),
    )


class RollChangeForm(PortalForm):
    standing = forms.ChoiceField(label=_("New standing"), choices=Standing.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=RollChange._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Say why the voting roll is changed.")},
    )


class PlaceOnAgendaForm(PortalForm):
    kind = forms.ChoiceField(
        label=_("Kind of item"),
        choices=[(kind.value, kind.label) for kind in ItemKind if kind in PROPOSAL_KINDS],
        initial=ItemKind.DECISION,
    )


class AnswerForm(PortalForm):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        error_messages={"required": _("Write the answer.")},
    )


class MinutesDraftForm(PortalForm):
    correction_note = forms.CharField(
        label=_("What this version corrects"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Only for a new version of minutes that are already approved: it is printed in "
            "the new version. Earlier versions stay as they are."
        ),
    )
