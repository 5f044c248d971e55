"""Reads of the voting roll (manntall): the roll as the membership history derives it, the roll as
it is stored once frozen, what changed since last year's roll, and the rows of its exports."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from billing.models import DocumentKind, Invoice, InvoiceStatus
from billing.selectors import balance_of, with_balance
from meetings.models import AnnualMeeting, RollEntry, RollReason, Standing
from members.models import Membership, Organisation, ParticipantType
from members.selectors import COUNTING_STATUSES, membership_periods_covering

# Participation that ended within this time before the record date is shown as "ended".
ENDED_WINDOW = datetime.timedelta(days=365)
ON_THE_ROLL = (Standing.VOTER, Standing.OBSERVER)


@dataclass(frozen=True)
class RollLine:
    """One organisation's standing at a meeting and why (a ``RollEntry`` before it is stored)."""

    organisation: Organisation
    standing: str
    reason: str
    participant_type: str = ""
    invoice_number: str = ""
    note: str = ""

    @property
    def standing_label(self) -> str:
        return str(Standing(self.standing).label)

    @property
    def reason_label(self) -> str:
        return str(RollReason(self.reason).label)

    @property
    def canonical(self) -> str:
        return f"{self.organisation.organisation_number};{self.standing};{self.reason}"


def _overdue_invoices(record_date: datetime.date, organisation_ids) -> dict[int, str]:
    """Fee invoices due before ``record_date`` and unpaid now: organisation id -> number."""
    # Network-wide on purpose: the roll covers every organisation (invoices are scoped).
    with scopes_disabled():
        invoices = with_balance(
            Invoice.objects.filter(
                kind=DocumentKind.INVOICE,
                fee_year__isnull=False,
                due_date__lt=record_date,
                organisation_id__in=organisation_ids,
            )
            .exclude(status__in=[InvoiceStatus.CREDITED, InvoiceStatus.PAID])
            .order_by("due_date", "number")
        )
        overdue: dict[int, str] = {}
        for invoice in invoices:
            if balance_of(invoice).left_to_pay > 0:
                overdue.setdefault(invoice.organisation_id, invoice.document_number)
    return overdue


def roll_lines_derived(
    meeting: AnnualMeeting, organisation: Organisation | None = None
) -> list[RollLine]:
    """The roll as the membership history on the record date gives it, sorted by organisation
    number; written nowhere. ``organisation`` limits it to that one organisation.

    - Voter: an active core-company period on the record date (reason CORE), unless
      ``overdue_may_vote`` is off and a fee invoice due before the record date is still unpaid
      now, when the roll is derived (observer, reason OVERDUE, with the invoice's number).
    - Observer: every other active participant on the record date (reason NOT_CORE).
    - Not on the roll: participation that ended in the year before the record date (ENDED).
    """
    record_date = meeting.record_date
    periods = membership_periods_covering(record_date).filter(status__in=COUNTING_STATUSES)
    ended = Membership.objects.filter(
        status__in=COUNTING_STATUSES,
        end_date__gte=record_date - ENDED_WINDOW,
        end_date__lt=record_date,
    )
    if organisation is not None:
        periods = periods.filter(organisation=organisation)
        ended = ended.filter(organisation=organisation)
    type_on_record_date: dict[int, str] = {}
    organisations: dict[int, Organisation] = {}
    for period in periods.select_related("organisation").order_by("start_date"):
        type_on_record_date[period.organisation_id] = period.participant_type
        organisations[period.organisation_id] = period.organisation
    core = [pk for pk, kind in type_on_record_date.items() if kind == ParticipantType.CORE]
    overdue = {} if meeting.overdue_may_vote else _overdue_invoices(record_date, core)
    lines = []
    for pk, kind in type_on_record_date.items():
        if kind != ParticipantType.CORE:
            line = RollLine(organisations[pk], Standing.OBSERVER, RollReason.NOT_CORE, kind)
        elif pk in overdue:
            line = RollLine(
                organisations[pk], Standing.OBSERVER, RollReason.OVERDUE, kind, overdue[pk]
            )
        else:
            line = RollLine(organisations[pk], Standing.VOTER, RollReason.CORE, kind)
        lines.append(line)
    for period in ended.exclude(organisation_id__in=list(organisations)).select_related(
        "organisation"
    ):
        if period.organisation_id not in organisations:
            organisations[period.organisation_id] = period.organisation
            lines.append(RollLine(period.organisation, Standing.NONE, RollReason.ENDED))
    return sorted(lines, key=lambda line: line.organisation.organisation_number)


def _line(entry: RollEntry) -> RollLine:
    return RollLine(
        organisation=entry.organisation,
        standing=entry.standing,
        reason=entry.reason,
        participant_type=entry.participant_type,
        invoice_number=entry.invoice_number,
        note=entry.note,
    )


def roll_entries(meeting: AnnualMeeting):
    """The stored (frozen) roll, by organisation name."""
    return RollEntry.objects.filter(meeting=meeting).select_related("organisation")


def roll_lines(meeting: AnnualMeeting) -> list[RollLine]:
    """The roll as it stands: the stored entries once frozen, else as derived now; sorted by
    organisation number (the canonical order)."""
    if not meeting.roll_is_frozen:
        return roll_lines_derived(meeting)
    lines = [_line(entry) for entry in roll_entries(meeting)]
    return sorted(lines, key=lambda line: line.organisation.organisation_number)


def roll_canonical_of(lines: list[RollLine]) -> bytes:
    """The canonical form: one line per organisation ("number;standing;reason"), sorted by
    organisation number, each ended by a line feed, UTF-8."""
    ordered = sorted(lines, key=lambda line: line.organisation.organisation_number)
    return "".join(f"{line.canonical}\n" for line in ordered).encode()


def roll_standing(meeting: AnnualMeeting, organisation: Organisation) -> str:
    """``organisation``'s standing at ``meeting`` (stored once frozen, derived before)."""
    if meeting.roll_is_frozen:
        entry = RollEntry.objects.filter(meeting=meeting, organisation=organisation).first()
        return entry.standing if entry else Standing.NONE
    lines = roll_lines_derived(meeting, organisation)
    return lines[0].standing if lines else Standing.NONE


def roll_counts(lines: list[RollLine]) -> dict[str, int]:
    counts = dict.fromkeys(Standing.values, 0)
    for line in lines:
        counts[line.standing] += 1
    return counts


# --- What changed since last year's roll ---------------------------------------------------


@dataclass(frozen=True)
class RollDifference:
    organisation: Organisation
    before: str  # a Standing, NONE when not on last year's roll
    after: str
    reason: str  # this year's reason


@dataclass(frozen=True)
class RollComparison:
    previous: AnnualMeeting | None
    added: list[RollDifference]
    removed: list[RollDifference]
    changed: list[RollDifference]


def previous_meeting(meeting: AnnualMeeting) -> AnnualMeeting | None:
    """The latest earlier meeting whose roll was frozen."""
    return (
        AnnualMeeting.objects.filter(year__lt=meeting.year, roll_frozen_at__isnull=False)
        .order_by("-year")
        .first()
    )


def roll_changes_since_previous(meeting: AnnualMeeting) -> RollComparison:
    """What changed since the previous meeting's roll: organisations added to the roll (voter or
    observer now, not before), removed from it, and whose standing changed (voter ↔ observer)."""
    previous = previous_meeting(meeting)
    now = {line.organisation.pk: line for line in roll_lines(meeting)}
    before = {line.organisation.pk: line for line in roll_lines(previous)} if previous else {}
    added, removed, changed = [], [], []
    for pk in sorted(now.keys() | before.keys()):
        old, new = before.get(pk), now.get(pk)
        old_standing = old.standing if old else Standing.NONE
        new_standing = new.standing if new else Standing.NONE
        organisation = new.organisation if new else before[pk].organisation
        difference = RollDifference(
            organisation, old_standing, new_standing, new.reason if new else ""
        )
        if old_standing not in ON_THE_ROLL and new_standing in ON_THE_ROLL:
            added.append(difference)
        elif old_standing in ON_THE_ROLL and new_standing not in ON_THE_ROLL:
            removed.append(difference)
        elif old_standing != new_standing and new_standing in ON_THE_ROLL:
            changed.append(difference)

    def by_name(items):
        return sorted(items, key=lambda d: (d.organisation.name, d.organisation.pk))

    return RollComparison(previous, by_name(added), by_name(removed), by_name(changed))


# --- Exports ----------------------------------------------------------------------------------


def roll_export_header() -> list[str]:
    return [
        _("Organisation number"),
        _("Organisation"),
        _("Participant type on the record date"),
        _("Standing"),
        _("Reason"),
        _("Overdue invoice"),
        _("Note"),
    ]


def roll_export_rows(meeting: AnnualMeeting) -> list[list]:
    """The rows of the roll's CSV and Excel files (``portal.exports``), by organisation name, in
    the active language; the header is ``roll_export_header()``."""
    types = dict(ParticipantType.choices)
    standings, reasons = dict(Standing.choices), dict(RollReason.choices)
    lines = sorted(
        roll_lines(meeting), key=lambda line: (line.organisation.name, line.organisation.pk)
    )
    return [
        [
            line.organisation.organisation_number,
            line.organisation.name,
            str(types.get(line.participant_type, "")),
            str(standings[line.standing]),
            str(reasons[line.reason]),
            line.invoice_number,
            line.note,
        ]
        for line in lines
    ]
