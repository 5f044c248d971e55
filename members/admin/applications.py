from django.contrib import admin
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members import services
from members.admin.forms import RejectApplicationForm
from members.models import Application, ApplicationStatus
from portal.admin_actions import apply_to_each, form_action
from portal.admin_audit import AuditlogHistoryAdminMixin

DECISION_FIELDS = ("status", "submitted_at", "decided_at", "decided_by", "rejection_reason")


@admin.register(Application)
class ApplicationAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "name",
        "organisation_number",
        "requested_type",
        "status",
        "contact_name",
        "submitted_at",
        "decided_by",
    )
    list_filter = ("status", "requested_type", "size_band", "segments")
    search_fields = ("name", "organisation_number", "contact_name", "contact_email", "city")
    list_select_related = ("decided_by",)
    date_hierarchy = "submitted_at"
    filter_horizontal = ("segments",)
    actions = ("approve", "reject")
    show_auditlog_history_link = True
    fieldsets = (
        (
            _("Company"),
            {
                "fields": (
                    "name",
                    "organisation_number",
                    ("street_address", "postal_code", "city"),
                    "invoice_email",
                    "website",
                    "size_band",
                    "segments",
                    "description",
                    "requested_type",
                )
            },
        ),
        (_("Contact person"), {"fields": ("contact_name", "contact_email", "contact_phone")}),
        (_("Decision"), {"fields": (*DECISION_FIELDS, "organisation")}),
    )

    def has_add_permission(self, request):
        # Applications come from the public form, which also tells the secretariat.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != ApplicationStatus.PENDING:
            return [field.name for field in Application._meta.fields] + ["segments"]
        return (*DECISION_FIELDS, "organisation")

    @admin.action(description=_("Approve the selected applications"), permissions=["change"])
    def approve(self, request, queryset):
        def perform(application):
            organisation = services.application_approve(
                application=application, decided_by=request.user
            )
            return gettext(
                "%(name)s approved: the organisation and its membership are created, and "
                "%(email)s is invited as its administrator."
            ) % {"name": organisation.name, "email": application.contact_email}

        apply_to_each(self, request, queryset, perform)

    @admin.action(description=_("Reject the selected applications…"), permissions=["change"])
    def reject(self, request, queryset):
        def perform(application, data):
            services.application_reject(
                application=application, decided_by=request.user, reason=data["reason"]
            )
            return gettext("%(name)s rejected; the contact person is told why.") % {
                "name": application.name
            }

        return form_action(
            self,
            request,
            queryset,
            form_class=RejectApplicationForm,
            title=gettext("Reject applications"),
            intro=gettext("The reason is sent to each applicant's contact person."),
            submit_label=gettext("Reject"),
            perform=perform,
        )
