from django.contrib import admin
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import services
from members.admin.forms import CompanyGroupForm, OrganisationAdminForm
from members.admin.memberships import (
    MembershipInline,
    change_participant_type,
    end_membership,
    start_membership,
)
from members.models import (
    CompanyGroup,
    Competence,
    Membership,
    Organisation,
    OrganisationRole,
    ParticipantType,
)
from members.selectors import COUNTING_STATUSES, organisations_active_on
from portal.admin_audit import AuditlogHistoryAdminMixin

NO_MEMBERSHIP = "none"


def _current_type_subquery():
    today = timezone.localdate()
    return Subquery(
        Membership.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            organisation=OuterRef("pk"),
            start_date__lte=today,
            status__in=COUNTING_STATUSES,
        )
        .order_by("-start_date")
        .values("participant_type")[:1]
    )


class CurrentTypeFilter(admin.SimpleListFilter):
    title = _("participant type today")
    parameter_name = "current_type"

    def lookups(self, request, model_admin):
        return [*ParticipantType.choices, (NO_MEMBERSHIP, _("Not a participant"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == NO_MEMBERSHIP:
            return queryset.exclude(pk__in=organisations_active_on())
        if value in ParticipantType.values:
            return queryset.filter(pk__in=organisations_active_on(participant_type=value))
        return queryset


class PeopleInline(admin.TabularInline):
    """Who belongs to the organisation. Roles change through "People in organisations"."""

    model = OrganisationRole
    fields = ("user", "role")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("people")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The row shows str(role), which names the user and the organisation.
        return super().get_queryset(request).select_related("user", "organisation")


class CompetenceInline(admin.TabularInline):
    """What the organisation offers and needs; edited under "Competence offers and needs"."""

    model = Competence
    fields = ("kind", "area", "segment", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "area", "segment")


@admin.register(Organisation)
class OrganisationAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    form = OrganisationAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "name",
        "organisation_number",
        "current_type",
        "city",
        "size_band",
        "group",
    )
    list_filter = (CurrentTypeFilter, "size_band", "segments", "group")
    search_fields = ("name", "organisation_number", "city", "invoice_email")
    list_select_related = ("group",)
    autocomplete_fields = ("group",)
    filter_horizontal = ("segments",)
    inlines = (MembershipInline, PeopleInline, CompetenceInline)
    actions = ("change_type", "start_membership", "end_membership")
    show_auditlog_history_link = True
    fieldsets = (
        (None, {"fields": ("name", "organisation_number", "group")}),
        (
            _("Profile"),
            {
                "fields": (
                    ("street_address", "postal_code", "city", "country"),
                    "invoice_email",
                    "invoice_language",
                    "buyer_reference",
                    "website",
                    "size_band",
                    "segments",
                    "description",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(current_type_value=_current_type_subquery())

    @admin.display(description=_("participant type today"), ordering="current_type_value")
    def current_type(self, obj):
        if not obj.current_type_value:
            return "–"
        return ParticipantType(obj.current_type_value).label

    @admin.action(description=_("Change participant type…"), permissions=["change"])
    def change_type(self, request, queryset):
        return change_participant_type(self, request, queryset, queryset)

    @admin.action(description=_("Start membership…"), permissions=["change"])
    def start_membership(self, request, queryset):
        return start_membership(self, request, queryset)

    @admin.action(description=_("End membership…"), permissions=["change"])
    def end_membership(self, request, queryset):
        return end_membership(self, request, queryset)


class UnitsInline(admin.TabularInline):
    """The group's units. A unit joins or leaves a group on its organisation page."""

    model = Organisation
    fields = ("name", "organisation_number", "city")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("unit")
    verbose_name_plural = _("units")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CompanyGroup)
class CompanyGroupAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    form = CompanyGroupForm
    list_display = (
        "name",
        "parent",
        "unit_count",
        "units_pay_own_fee",
        "fee_decision_date",
        "fee_decision_reference",
    )
    list_filter = ("units_pay_own_fee",)
    search_fields = ("name", "parent__name", "units__name", "fee_decision_reference")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    inlines = (UnitsInline,)
    show_auditlog_history_link = True
    fieldsets = (
        (None, {"fields": ("name", "parent")}),
        (
            _("The board's fee decision"),
            {"fields": ("units_pay_own_fee", "fee_decision_date", "fee_decision_reference")},
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_units=Count("units"))

    @admin.display(description=_("units"), ordering="number_of_units")
    def unit_count(self, obj):
        return obj.number_of_units

    def save_model(self, request, obj, form, change):
        services.company_group_save(group=obj)
