"""Fee schedules (frozen once a year is invoiced), the seller's details and the number series."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from billing.admin.fee_grid import FeeGridAdminMixin
from billing.admin.forms import SellerForm
from billing.models import FeeAmount, FeeSchedule, Invoice, NumberSeries, Seller
from portal.admin_audit import AuditlogHistoryAdminMixin


def _frozen(schedule: FeeSchedule | None) -> bool:
    return schedule is not None and schedule.is_frozen


class FeeAmountInline(admin.TabularInline):
    """The amounts of a schedule; read-only, with nothing to add or remove, once it is frozen."""

    model = FeeAmount
    fields = ("participant_type", "size_band", "amount")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _frozen(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _frozen(obj)


@admin.register(FeeSchedule)
class FeeScheduleAdmin(FeeGridAdminMixin, AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("year", "vat_treatment", "vat_rate", "days_to_due", "decided_on", "frozen")
    fields = (
        "year",
        "vat_treatment",
        "vat_rate",
        "vat_exemption_reason",
        "days_to_due",
        "decided_on",
        "frozen",
    )
    readonly_fields = ("frozen",)
    # The fees are one grid (``FeeGridAdminMixin``); a frozen schedule lists them read-only.
    frozen_inlines = (FeeAmountInline,)
    show_auditlog_history_link = True

    def get_queryset(self, request):
        invoiced = Invoice.objects.filter(fee_year=OuterRef("year"))
        return super().get_queryset(request).annotate(has_invoices=Exists(invoiced))

    @admin.display(description=_("frozen"), boolean=True)
    def frozen(self, obj):
        if obj.pk is None:
            return False
        return obj.has_invoices if hasattr(obj, "has_invoices") else obj.is_frozen

    def has_change_permission(self, request, obj=None):
        # A frozen year is shown, not edited: its invoices were issued from it.
        return super().has_change_permission(request, obj) and not _frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _frozen(obj)


@admin.register(Seller)
class SellerAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """The network's own details: one row, copied onto every document when it is issued."""

    form = SellerForm
    list_display = ("name", "organisation_number", "bank_account", "email")
    show_auditlog_history_link = True
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "organisation_number",
                    "vat_registered",
                    "in_business_register",
                )
            },
        ),
        (_("Address"), {"fields": ("street_address", "postal_code", "city", "country")}),
        (_("Payment"), {"fields": ("bank_account", "email")}),
        (_("Payment reminders"), {"fields": ("first_reminder_days", "second_reminder_days")}),
    )

    def has_add_permission(self, request):
        # Every admin page asks this for its navigation; only the seller's own pages ask the
        # database, so the other pages keep their query counts. Migration 0002 makes the row.
        if not super().has_add_permission(request):
            return False
        url_name = getattr(request.resolver_match, "url_name", None) or ""
        return url_name.startswith("billing_seller_") and not Seller.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    """Shown, never edited: numbers are taken only by the issuing service."""

    list_display = ("code", "name", "prefix", "last_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
