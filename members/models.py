"""Participants of the network: organisations, company groups, membership periods, people.

State transitions (membership periods, roles, invitations, applications) happen only through
``members.services``; these models hold data and database-level guarantees.
"""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from members.validators import validate_organisation_number


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_staff = models.BooleanField(
        _("secretariat"), default=False, help_text=_("Can log in to the administration.")
    )
    is_steering_group = models.BooleanField(_("steering group"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class BilingualName(models.Model):
    """Reference data named in both portal languages."""

    name_nb = models.CharField(_("name (Norwegian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nb").startswith("en") else self.name_nb


class ValueChainSegment(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("value-chain segment")
        verbose_name_plural = _("value-chain segments")


class CompetenceArea(BilingualName):
    description = models.TextField(_("description"), blank=True)

    class Meta(BilingualName.Meta):
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")


class SizeBand(models.TextChoices):
    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-249", _("50–249 employees")
    LARGE = "250+", _("250 or more employees")


class ParticipantType(models.TextChoices):
    CORE = "core", _("Core company")
    SUPPLIER = "supplier", _("Supplier")
    OTHER = "other", _("Other")


class CompanyGroup(models.Model):
    """A company group (konsern) taking part with several units.

    The board decides whether each unit pays its own fee; the decision's date and reference
    are kept. The parent unit is one of the group's units.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    parent = models.OneToOneField(
        "Organisation",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        related_name="parent_of_group",
        null=True,
        blank=True,
    )
    units_pay_own_fee = models.BooleanField(_("each unit pays its own fee"), default=False)
    fee_decision_date = models.DateField(_("date of the board's decision"), null=True, blank=True)
    fee_decision_reference = models.CharField(
        _("reference to the board's decision"), max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("company group")
        verbose_name_plural = _("company groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        validators=[validate_organisation_number],
        error_messages={"unique": _("An organisation with this organisation number exists.")},
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    size_band = models.CharField(
        _("size (employees)"), max_length=10, choices=SizeBand.choices, blank=True
    )
    segments = models.ManyToManyField(
        ValueChainSegment, verbose_name=_("value-chain segments"), blank=True
    )
    description = models.TextField(_("short public description"), max_length=1000, blank=True)
    group = models.ForeignKey(
        CompanyGroup,
        verbose_name=_("company group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    REJECTED = "rejected", _("Rejected")


class Membership(models.Model):
    """One period of participation with one participant type.

    A change of type ends the current period and opens the next, so the history answers
    "what was organisation X on date D". Periods change only through ``members.services``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    participant_type = models.CharField(
        _("participant type"), max_length=10, choices=ParticipantType.choices
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        ordering = ["organisation", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership period cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(end_date__isnull=True, status__in=["applied", "active"]),
                name="one_open_membership_per_organisation",
                violation_error_message=_(
                    "This organisation already has an open membership period."
                ),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "start_date"])]

    def __str__(self):
        end = self.end_date.isoformat() if self.end_date else "…"
        return (
            f"{self.organisation} · {self.get_participant_type_display()} · {self.start_date}–{end}"
        )


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


class OrganisationRole(models.Model):
    """A person's place in an organisation. An organisation always keeps at least one admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person in organisation")
        verbose_name_plural = _("people in organisations")
        ordering = ["organisation", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_person")
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation. Accepted once, before it expires."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # Organisation-private: reachable only inside an organisation scope (portal/scoping.py).
    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # The natural key of an open invitation. "Not expired" cannot be part of an index
            # condition (it depends on the clock), so an expired one still counts until it is
            # revoked: invitation_create revokes the earlier ones before it adds a new one.
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
                violation_error_message=_(
                    "An invitation to this address is already open for this organisation."
                ),
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Application(models.Model):
    """A company's application to join, decided by the secretariat."""

    name = models.CharField(_("company name"), max_length=200)
    organisation_number = models.CharField(
        _("organisation number"), max_length=9, validators=[validate_organisation_number]
    )
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    invoice_email = models.EmailField(_("invoice e-mail"))
    website = models.URLField(_("website"), blank=True)
    size_band = models.CharField(_("size (employees)"), max_length=10, choices=SizeBand.choices)
    description = models.TextField(_("short public description"), max_length=1000, blank=True)
    requested_type = models.CharField(
        _("requested participant type"), max_length=10, choices=ParticipantType.choices
    )
    segments = models.ManyToManyField(
        ValueChainSegment, verbose_name=_("value-chain segments"), blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.name} ({self.organisation_number})"


class CompetenceKind(models.TextChoices):
    OFFER = "offer", _("Offers")
    NEED = "need", _("Needs")


class Competence(models.Model):
    """What an organisation can offer (where it is far ahead) or needs, in one area."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="competences"
    )
    kind = models.CharField(_("offer or need"), max_length=5, choices=CompetenceKind.choices)
    area = models.ForeignKey(
        CompetenceArea, verbose_name=_("competence area"), on_delete=models.PROTECT
    )
    segment = models.ForeignKey(
        ValueChainSegment,
        verbose_name=_("value-chain segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    text = models.CharField(_("in one line"), max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("competence offer or need")
        verbose_name_plural = _("competence offers and needs")
        ordering = ["area__position", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "area"], name="one_competence_per_kind_and_area"
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_kind_display()} · {self.area}"
