"""Forms of the meeting pages. They parse input; ``meetings.services`` applies the rules
(who may vote, deadlines, proxy limits) and makes the changes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Proposal
from members.models import Organisation, User
from portal.forms import PortalForm, PortalModelForm


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class RepresentativeForm(PortalForm):
    """The organisation's voting representative and optional deputy (people of the
    organisation)."""

    user = PersonChoiceField(label=_("Voting representative"), queryset=User.objects.none())
    deputy = PersonChoiceField(
        label=_("Deputy"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No deputy"),
        help_text=_("The deputy votes only while the representative has not checked in."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["deputy"].queryset = people


class ProxyForm(PortalForm):
    """A proxy to another voting organisation, with an optional written instruction."""

    holder = forms.ModelChoiceField(
        label=_("Give the vote to"),
        queryset=Organisation.objects.none(),
        help_text=_("Its voting representative casts your organisation's vote."),
    )
    instruction = forms.CharField(
        label=_("Instruction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: how the holder should vote on your behalf."),
    )

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders


class ProposalForm(PortalModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"text": _("What the meeting should decide, and why.")}


class MinutesApproveForm(PortalForm):
    confirm = forms.BooleanField(
        label=_("I have read this version of the minutes and approve it."), required=True
    )
