"""A year's fee schedule as one grid (participant type by size band), and the copy of last
year's schedule as one admin action."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from billing.models import FeeSchedule, FeeScheduleJoinerRule, JoinerFee
from billing.services.fees import fee_schedule_copy, fee_schedule_save_grid
from members.models import ParticipantType, SizeBand
from portal.admin_actions import error_text
from portal.forms import PortalModelForm, StrictDecimalField

CELLS = [
    (participant_type, band_index, size_band)
    for participant_type in ParticipantType
    for band_index, size_band in enumerate(SizeBand)
]


def cell_field_name(participant_type: str, band_index: int) -> str:
    # Size band values hold "-" and "+", so a cell is named by the band's position.
    return f"fee_{participant_type}_{band_index}"


def grid_rows() -> list[tuple[str, ...]]:
    """The grid's fields, one admin row per participant type."""
    return [
        tuple(cell_field_name(participant_type, index) for index in range(len(SizeBand)))
        for participant_type in ParticipantType
    ]


def _cell_fields() -> dict[str, forms.Field]:
    return {
        cell_field_name(participant_type, index): StrictDecimalField(
            label=format_lazy("{}, {}", participant_type.label, size_band.label),
            required=False,
            min_value=0,
            max_digits=10,
            decimal_places=2,
            help_text=_("NOK excl. VAT; empty: no fee for this type and size."),
        )
        for participant_type, index, size_band in CELLS
    }


class FeeScheduleGridFormBase(PortalModelForm):
    joiner_fee = forms.ChoiceField(
        label=_("Members joining during the year pay"),
        choices=JoinerFee.choices,
        initial=JoinerFee.FULL,
        help_text=_("The default of an invoice run; staff may choose otherwise per member."),
    )

    class Meta:
        model = FeeSchedule
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        stored = {(a.participant_type, a.size_band): a.amount for a in self.instance.amounts.all()}
        for participant_type, index, size_band in CELLS:
            name = cell_field_name(participant_type, index)
            if name in self.fields:
                self.fields[name].initial = stored.get((participant_type, size_band))
        rule = FeeScheduleJoinerRule.objects.filter(schedule=self.instance).first()
        if rule is not None and "joiner_fee" in self.fields:
            self.fields["joiner_fee"].initial = rule.fee

    def grid_amounts(self) -> dict:
        return {
            (participant_type.value, size_band.value): self.cleaned_data.get(
                cell_field_name(participant_type, index)
            )
            for participant_type, index, size_band in CELLS
        }


FeeScheduleGridForm = type(
    "FeeScheduleGridForm",
    (FeeScheduleGridFormBase,),
    {**_cell_fields(), "__module__": __name__},
)


class FeeGridAdminMixin:
    """For the fee schedule's admin: the grid instead of one row per fee while the schedule can
    change (a frozen one shows its fees read-only, ``frozen_inlines``), and the copy action."""

    form = FeeScheduleGridForm
    frozen_inlines: tuple = ()
    actions = ("copy_to_next_year",)

    def _is_frozen(self, obj) -> bool:
        return obj is not None and obj.pk is not None and obj.is_frozen

    def get_fieldsets(self, request, obj=None):
        terms = (None, {"fields": self.fields})
        if self._is_frozen(obj):
            return [terms]
        grid = (
            _("Fees excl. VAT: one row per participant type, one column per size"),
            {"fields": [*grid_rows(), "joiner_fee"]},
        )
        return [terms, grid]

    def get_inlines(self, request, obj):
        return self.frozen_inlines if self._is_frozen(obj) else ()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "joiner_fee" in form.cleaned_data:
            fee_schedule_save_grid(
                schedule=form.instance,
                amounts=form.grid_amounts(),
                joiner_fee=form.cleaned_data["joiner_fee"],
            )

    @admin.action(description=_("Copy to the next year"), permissions=["add"])
    def copy_to_next_year(self, request, queryset):
        copied = []
        for schedule in queryset.order_by("year"):
            try:
                copied.append(fee_schedule_copy(source=schedule))
            except ValidationError as error:
                self.message_user(request, error_text(error), messages.ERROR)
        if copied:
            years = ", ".join(str(copy.year) for copy in copied)
            self.message_user(
                request,
                ngettext(
                    "The fee schedule for %(years)s is made from the year before; check it.",
                    "The fee schedules for %(years)s are made from the years before; check them.",
                    len(copied),
                )
                % {"years": years},
                messages.SUCCESS,
            )
        return None
