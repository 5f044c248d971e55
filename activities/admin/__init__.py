"""The secretariat's admin for activities and hours. Writes with business rules call services."""

from activities.admin import activities, hours, periods, rates  # noqa: F401  (registration)
