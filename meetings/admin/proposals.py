"""Members' proposals: staff place them on the agenda or answer them (actions, services)."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings.admin.base import ReadOnlyAdmin
from meetings.admin.forms import AnswerForm, PlaceOnAgendaForm
from meetings.models import Proposal
from meetings.services.proposals import proposal_answer, proposal_place_on_agenda
from portal.admin_actions import form_action


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "meeting", "submitted_at", "status", "agenda_item")
    list_filter = ("meeting", "status")
    search_fields = ("title", "text", "organisation__name")
    list_select_related = ("organisation", "meeting", "agenda_item")
    actions = ("place_on_agenda", "answer")

    def has_change_permission(self, request, obj=None):
        # A proposal's page is view-only; the changelist's actions need the permission.
        return obj is None and request.user.has_perm("meetings.change_proposal")

    @admin.action(description=_("Place on the agenda…"), permissions=["change"])
    def place_on_agenda(self, request, queryset):
        def perform(proposal, data):
            item = proposal_place_on_agenda(
                proposal=proposal, actor=request.user, kind=data["kind"]
            )
            return gettext("%(proposal)s is agenda item %(item)s.") % {
                "proposal": proposal,
                "item": item,
            }

        return form_action(
            self,
            request,
            queryset,
            form_class=PlaceOnAgendaForm,
            title=gettext("Place proposals on the agenda"),
            intro=gettext("Each proposal becomes a new last item of its meeting's agenda."),
            submit_label=gettext("Place on the agenda"),
            perform=perform,
        )

    @admin.action(description=_("Answer…"), permissions=["change"])
    def answer(self, request, queryset):
        def perform(proposal, data):
            proposal_answer(proposal=proposal, answer=data["answer"], actor=request.user)
            return gettext("%(proposal)s is answered.") % {"proposal": proposal}

        return form_action(
            self,
            request,
            queryset,
            form_class=AnswerForm,
            title=gettext("Answer proposals"),
            submit_label=gettext("Answer"),
            perform=perform,
        )
