"""How big the network is and the fixed points it is built around."""

import datetime
from dataclasses import dataclass

# Every run builds the same rows: the dates are fixed, not taken from the clock.
TODAY = datetime.date(2026, 11, 30)
FIRST_DAY = datetime.date(2022, 1, 1)
YEARS = tuple(range(FIRST_DAY.year, TODAY.year + 1))
SEED = 2026
PASSWORD = "scale-password-not-secret"  # noqa: S105  (test data, printed on purpose)
EMAIL_DOMAIN = "scale.example.no"
STAFF_EMAIL = f"staff@{EMAIL_DOMAIN}"
# The organisations the benchmark reads: the one with the most hours and a small one.
LARGE_ORGANISATION = 0
SMALL_ORGANISATION = 1


@dataclass(frozen=True)
class Scale:
    """The counts at ``organisations`` (2,000 is the full size); every count follows it."""

    organisations: int = 2_000

    @property
    def factor(self) -> float:
        return self.organisations / 2_000

    def of(self, full: int, *, at_least: int = 1) -> int:
        return max(at_least, round(full * self.factor))

    @property
    def users(self) -> int:
        return self.of(20_000, at_least=3 * self.organisations)

    @property
    def activities(self) -> int:
        return self.of(500, at_least=10)

    @property
    def hour_entries(self) -> int:
        return self.of(1_000_000)

    @property
    def large_organisation_entries(self) -> int:
        return self.of(48_000)

    @property
    def small_organisation_entries(self) -> int:
        return self.of(2_000)

    @property
    def groups(self) -> int:
        return self.of(100, at_least=2)
