"""An organisation's standing on the roll as the pages show it: the roll's line with the labels
of its standing and reason (``meetings.selectors.roll`` decides the standing)."""

from dataclasses import dataclass

from meetings.models import AnnualMeeting, RollEntry, RollReason, Standing
from meetings.selectors.roll import RollDifference, RollLine, roll_lines_derived
from members.models import Organisation, ParticipantType


@dataclass(frozen=True)
class StandingLine:
    line: RollLine

    @property
    def organisation(self) -> Organisation:
        return self.line.organisation

    @property
    def standing(self) -> str:
        return self.line.standing

    @property
    def is_voter(self) -> bool:
        return self.line.standing == Standing.VOTER

    @property
    def standing_label(self) -> str:
        return Standing(self.line.standing).label

    @property
    def reason_label(self) -> str:
        return RollReason(self.line.reason).label if self.line.reason else ""

    @property
    def participant_type_label(self) -> str:
        kind = self.line.participant_type
        return ParticipantType(kind).label if kind in ParticipantType.values else ""

    @property
    def invoice_number(self) -> str:
        return self.line.invoice_number

    @property
    def note(self) -> str:
        return self.line.note


def standing_lines(lines: list[RollLine]) -> list[StandingLine]:
    return [StandingLine(line) for line in lines]


def standings_of(meeting: AnnualMeeting, organisations) -> dict[int, StandingLine]:
    """The standing of each of ``organisations`` (id -> line; absent: not on the roll): the
    stored entries once the roll is frozen (one query), else derived from the membership
    history on the record date."""
    if meeting.roll_is_frozen:
        entries = RollEntry.objects.filter(
            meeting=meeting, organisation__in=organisations
        ).select_related("organisation")
        return {
            entry.organisation_id: StandingLine(
                RollLine(
                    organisation=entry.organisation,
                    standing=entry.standing,
                    reason=entry.reason,
                    participant_type=entry.participant_type,
                    invoice_number=entry.invoice_number,
                    note=entry.note,
                )
            )
            for entry in entries
        }
    lines = {}
    for organisation in organisations:
        for line in roll_lines_derived(meeting, organisation):
            lines[line.organisation.pk] = StandingLine(line)
    return lines


@dataclass(frozen=True)
class DifferenceLine:
    """A change since the previous meeting's roll, with its standings' labels."""

    difference: RollDifference

    @property
    def organisation(self) -> Organisation:
        return self.difference.organisation

    @property
    def before_label(self) -> str:
        return Standing(self.difference.before).label

    @property
    def after_label(self) -> str:
        return Standing(self.difference.after).label


def difference_lines(differences: list[RollDifference]) -> list[DifferenceLine]:
    return [DifferenceLine(difference) for difference in differences]
