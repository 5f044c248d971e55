"""The secretariat's Django admin for participants. Writes with business rules call services."""

from members.admin import (  # noqa: F401  (each module registers its models)
    applications,
    memberships,
    organisations,
    people,
    reference,
    users,
)
