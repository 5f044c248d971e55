from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import outbox
from portal.admin_actions import apply_to_each
from portal.models import EmailStatus, Job, OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Lasting delivery failures show here; staff fix the cause and send again."""

    list_display = ("subject", "recipient_list", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("key", "subject", "recipients")
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    actions = ("resend",)

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj):
        return ", ".join(obj.recipients)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["change"])
    def resend(self, request, queryset):
        def perform(email):
            if email.status != EmailStatus.FAILED:
                return gettext("%(email)s was not failed; left as it is.") % {"email": email}
            outbox.email_resend(email=email)
            return gettext("%(email)s is queued again.") % {"email": email}

        apply_to_each(self, request, queryset, perform)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "status", "done", "total", "started_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("started_by",)
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False
