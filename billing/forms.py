"""Forms of the staff invoicing pages. They parse input; ``billing.services`` do the work."""

from django import forms
from django.utils import dates, timezone
from django.utils.translation import gettext_lazy as _

from billing.models import FeeSchedule, JoinerFee
from members.models import Organisation
from portal.forms import PortalForm


def fee_year_field(**kwargs) -> forms.TypedChoiceField:
    """A year that has a fee schedule; submitted as the year itself (``?year=2026``)."""
    return forms.TypedChoiceField(
        coerce=int,
        label=_("Fee year"),
        error_messages={"invalid_choice": _("There is no fee schedule for that year.")},
        **kwargs,
    )


class FeeYearForm(PortalForm):
    """A form with a ``year`` field whose choices are the years with a fee schedule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once here: a queryset as choices would be queried at every rendering.
        years = FeeSchedule.objects.order_by("-year").values_list("year", flat=True)
        self.fields["year"].choices = [(str(year), str(year)) for year in years]


class RunYearForm(FeeYearForm):
    year = fee_year_field()


JOINER_FEE_PREFIX = "joiner_fee_"
MAX_JOINER_FIELDS = 10_000


class RunConfirmForm(FeeYearForm):
    """The confirmation of a run, with full fee or pro rata for each member that joined during
    the year (``joiners`` from the preview; a posted form takes the choices it carries)."""

    year = fee_year_field(widget=forms.HiddenInput)
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, joiners=(), joiner_fee: str = JoinerFee.FULL, **kwargs):
        super().__init__(*args, **kwargs)
        for joiner in joiners:
            self._add_joiner_field(joiner.organisation.pk, label=joiner.organisation.name)
            self.fields[self.joiner_field_name(joiner.organisation.pk)].initial = joiner_fee
        if self.is_bound:
            posted = [key for key in self.data if key.startswith(JOINER_FEE_PREFIX)]
            for key in posted[:MAX_JOINER_FIELDS]:
                suffix = key.removeprefix(JOINER_FEE_PREFIX)
                if suffix.isascii() and suffix.isdigit() and len(suffix) <= 12:
                    self._add_joiner_field(int(suffix), label=suffix)

    @staticmethod
    def joiner_field_name(organisation_id: int) -> str:
        return f"{JOINER_FEE_PREFIX}{organisation_id}"

    def _add_joiner_field(self, organisation_id: int, *, label: str) -> None:
        name = self.joiner_field_name(organisation_id)
        if name not in self.fields:
            self.fields[name] = forms.ChoiceField(
                label=label, choices=JoinerFee.choices, widget=forms.RadioSelect
            )

    def joiner_fees(self) -> dict[int, str]:
        """Staff's choice per organisation id, for ``runs.invoice_run_start``."""
        return {
            int(name.removeprefix(JOINER_FEE_PREFIX)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(JOINER_FEE_PREFIX)
        }


MONTH_CHOICES = [("", _("Whole year"))] + [
    (str(number), name) for number, name in dates.MONTHS.items()
]


class SingleInvoiceForm(FeeYearForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), label=_("Organisation")
    )
    year = fee_year_field()
    from_month = forms.TypedChoiceField(
        choices=MONTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Pro rata from month"),
        help_text=_(
            "For a member who joined during the year: the fee for the months from this one."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = str(timezone.localdate().year)


class ResendForm(PortalForm):
    request_number = forms.IntegerField(min_value=1, max_value=1000, widget=forms.HiddenInput)
