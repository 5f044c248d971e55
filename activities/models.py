"""Activities of the network and the in-kind hours participants document on them.

Status changes, sign-ups, hour entries, confirmations and locks happen only through
``activities.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from members.models import CompetenceArea, Organisation, ValueChainSegment


class ActivityKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    WORKING_GROUP = "working_group", _("Working group")
    PROJECT = "project", _("Project")
    COMPETENCE_SPRINT = "sprint", _("Competence sprint")
    CONFERENCE = "conference", _("Conference")
    COURSE = "course", _("Course")
    OTHER = "other", pgettext_lazy("activity kind", "Other")


class ActivityStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PROPOSED
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_activities",
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owning organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_activities",
    )
    segments = models.ManyToManyField(
        ValueChainSegment, verbose_name=_("value-chain segments"), blank=True
    )
    competence_areas = models.ManyToManyField(
        CompetenceArea, verbose_name=_("competence areas"), blank=True
    )
    planned_hours = models.DecimalField(
        _("planned hours"), max_digits=8, decimal_places=2, default=Decimal(0)
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="activity_ends_after_start",
                violation_error_message=_("The activity cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(planned_hours__gte=0),
                name="planned_hours_positive",
                violation_error_message=_("Planned hours cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.title


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ActivityDecision(models.Model):
    """The steering group's decision on a proposed activity."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("date"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity decision")
        verbose_name_plural = _("activity decisions")

    def __str__(self):
        return f"{self.activity} · {self.get_outcome_display()}"


class Participation(models.Model):
    """An organisation signed up for an activity, with the people who take part."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations"
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people taking part"), blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation"], name="one_participation_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.activity}"


class ReportingPeriod(models.Model):
    """A period (a quarter by default) in which companies report and confirm hours.

    Locked by the secretariat after the deadline; members cannot change its hours after that.
    """

    name = models.CharField(_("name"), max_length=60)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    deadline = models.DateField(_("reporting deadline"))
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="period_ends_after_start",
                violation_error_message=_("A reporting period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("end_date")),
                name="deadline_after_period",
                violation_error_message=_(
                    "The reporting deadline cannot be before the period ends."
                ),
            ),
            models.UniqueConstraint(fields=["start_date"], name="one_period_per_start"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class HourEntry(models.Model):
    """Documented in-kind hours: one person, one activity, one day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hour_entries"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="hour_entries",
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="hour_entries"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Organisation-private: reachable only inside an organisation scope (portal/scoping.py).
    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-date", "person__email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="hours_between_0_and_24",
                violation_error_message=_("Hours must be more than 0 and at most 24."),
            ),
        ]
        indexes = [
            # An organisation's list and totals; the day-by-day rules of one person.
            models.Index(fields=["organisation", "date"]),
            models.Index(fields=["person", "date"]),
            # The network by date (the admin changelist's order, the date hierarchy) and each
            # person's or organisation's yearly totals, summed from the index alone (PostgreSQL).
            models.Index(
                fields=["date", "person"],
                include=["hours", "organisation"],
                name="hourentry_date_person_hours",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.activity} · {self.date} · {self.hours}"


class PeriodConfirmation(models.Model):
    """An organisation admin's confirmation of the company's hours in a reporting period."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="hour_confirmations"
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="confirmations"
    )
    hours = models.DecimalField(_("hours confirmed"), max_digits=10, decimal_places=2)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by_name = models.CharField(_("confirmed by"), max_length=200)
    confirmed_at = models.DateTimeField(_("confirmed at"))

    # Organisation-private: reachable only inside an organisation scope (portal/scoping.py).
    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("confirmation of hours")
        verbose_name_plural = _("confirmations of hours")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="one_confirmation_per_period"
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.period} · {self.hours}"


class HourlyRate(models.Model):
    """The in-kind value of one hour in a year, as the funder prescribes."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rate = models.DecimalField(_("rate per hour (NOK)"), max_digits=8, decimal_places=2)
    note = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hourly rate")
        verbose_name_plural = _("hourly rates")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="rate_positive",
                violation_error_message=_("The hourly rate must be more than 0."),
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.rate}"


class PersonRate(models.Model):
    """A person's own hourly rate in a year, overriding the standard rate."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hourly_rates"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rate = models.DecimalField(_("rate per hour (NOK)"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("personal hourly rate")
        verbose_name_plural = _("personal hourly rates")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="one_rate_per_person_year"),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="person_rate_positive",
                violation_error_message=_("The hourly rate must be more than 0."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.year}: {self.rate}"
