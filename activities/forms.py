"""Forms of the activity and hour pages. They parse input; ``activities.services`` applies the
rules and makes the changes."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from activities.filters import date_input
from activities.models import Activity, DecisionOutcome, HourEntry
from activities.services.hours import WeekCell
from activities.validators import validate_activity_dates
from members.models import CompetenceArea, User, ValueChainSegment
from portal.forms import PortalForm, PortalModelForm

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MIN_YEAR, MAX_YEAR = 2000, 2100


def hours_input() -> forms.TextInput:
    # Text, not type=number: "1,5" is how Norwegians write it, and the service reads both.
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 5})


class ActivityProposeForm(PortalModelForm):
    segments = forms.ModelMultipleChoiceField(
        queryset=ValueChainSegment.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Value-chain segments"),
    )
    competence_areas = forms.ModelMultipleChoiceField(
        queryset=CompetenceArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Competence areas"),
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "description",
            "start_date",
            "end_date",
            "planned_hours",
            "owner",
            "segments",
            "competence_areas",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "start_date": date_input(),
            "end_date": date_input(),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations
        self.fields["owner"].empty_label = _("None in particular")
        self.fields["owner"].label = _("On behalf of")
        self.fields["planned_hours"].help_text = _("All participants together, roughly.")

    def clean(self):
        # The service has the rule; checking here shows it beside the field before saving.
        cleaned = super().clean()
        try:
            validate_activity_dates(
                start_date=cleaned.get("start_date"), end_date=cleaned.get("end_date")
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def service_arguments(self) -> dict:
        """Keyword arguments for ``services.activities.activity_propose``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ParticipationForm(PortalForm):
    people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Who takes part"),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people


class DecisionForm(PortalForm):
    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when declining."),
    )


class HourEntryForm(PortalForm):
    """One entry. ``people`` is None for a plain member, who logs only their own hours."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    date = forms.DateField(label=_("Date"), widget=date_input())
    hours = forms.CharField(
        label=_("Hours"),
        max_length=10,
        widget=hours_input(),
        help_text=_("In quarter hours, e.g. 1.5 or 7,75."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args, activities, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["activity"].empty_label = _("Choose an activity")
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = people
            self.fields["person"].empty_label = _("Choose a person")


class HourImportForm(PortalForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .csv (UTF-8, comma or semicolon) or .xlsx file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large; the limit is 5 MB."))
        return upload


class YearForm(PortalForm):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)


def hours_text(value: Decimal) -> str:
    """7.50 as "7.5" (or "7,5" where the language writes a decimal comma), 8.00 as "8"."""
    text = f"{value.normalize():f}"
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


@dataclass
class GridCell:
    activity: Activity
    day: datetime.date
    entries: list[HourEntry]
    locked: bool
    value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"hours-{self.activity.pk}-{self.day.isoformat()}"

    @property
    def entry(self) -> HourEntry | None:
        return self.entries[0] if len(self.entries) == 1 else None

    @property
    def editable(self) -> bool:
        """Locked days are read-only; several entries on one day are changed in the list."""
        return not self.locked and len(self.entries) <= 1

    @property
    def saved_hours(self) -> Decimal:
        return sum((entry.hours for entry in self.entries), Decimal(0))


@dataclass
class GridRow:
    activity: Activity
    cells: list[GridCell]

    @property
    def total(self) -> Decimal:
        return sum((cell.saved_hours for cell in self.cells), Decimal(0))


class WeekGridForm:
    """One person's hours in one ISO week: the organisation's activities by seven days.

    The form binds what was typed; ``activities.services.hours.hours_week_save`` saves the week
    (all or nothing) and its errors are shown beside their cells.
    """

    def __init__(self, *, organisation, person, monday, activities, entries, locked_periods):
        self.organisation = organisation
        self.person = person
        self.days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
        by_cell = defaultdict(list)
        for entry in entries:
            by_cell[(entry.activity_id, entry.date)].append(entry)
        self.rows = [
            GridRow(
                activity,
                [
                    GridCell(
                        activity,
                        day,
                        by_cell[(activity.pk, day)],
                        locked=any(p.start_date <= day <= p.end_date for p in locked_periods),
                    )
                    for day in self.days
                ],
            )
            for activity in activities
        ]
        for cell in self.cells:
            cell.value = hours_text(cell.saved_hours) if cell.entries else ""

    @property
    def cells(self) -> list[GridCell]:
        return [cell for row in self.rows for cell in row.cells]

    @property
    def day_totals(self) -> list[Decimal]:
        return [
            sum((row.cells[index].saved_hours for row in self.rows), Decimal(0))
            for index in range(7)
        ]

    @property
    def total(self) -> Decimal:
        return sum(self.day_totals, Decimal(0))

    @property
    def errors(self) -> list[GridCell]:
        return [cell for cell in self.cells if cell.errors]

    def bind(self, data) -> None:
        for cell in self.cells:
            if cell.editable:
                cell.value = data.get(cell.name, "").strip()

    def week_cells(self) -> list[WeekCell]:
        """The editable cells as typed, for ``hours_week_save``."""
        return [
            WeekCell(
                key=cell.name,
                activity=cell.activity,
                date=cell.day,
                entry=cell.entry,
                value=cell.value,
            )
            for cell in self.cells
            if cell.editable
        ]

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        """Show ``hours_week_save``'s errors beside their cells."""
        for cell in self.cells:
            cell.errors.extend(errors.get(cell.name, []))
