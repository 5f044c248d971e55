"""The secretariat's admin for annual meetings. State changes go through the services (actions);
ballots and participations are never shown here (docs/meetings-secret-ballot.md)."""

from meetings.admin import (  # noqa: F401  (each module registers its models)
    meetings,
    minutes,
    proposals,
    representation,
    roll,
)
