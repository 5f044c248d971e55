"""Forms for the secretariat's admin: intermediate action pages and the user model."""

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import services
from members.forms import InvoiceDataFormMixin
from members.models import CompanyGroup, Organisation, ParticipantType, User
from portal.forms import HardenedFieldsMixin, PortalForm, PortalModelForm, portal_formfield


class RejectApplicationForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("Sent to the contact person in the rejection e-mail."),
        error_messages={"required": _("Give a reason for the rejection.")},
    )


class ChangeParticipantTypeForm(PortalForm):
    participant_type = forms.ChoiceField(
        label=_("New participant type"), choices=ParticipantType.choices
    )
    effective_date = forms.DateField(
        label=_("Takes effect on"),
        initial=timezone.localdate,
        help_text=_("The current period ends the day before; the new one starts on this date."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class StartMembershipForm(PortalForm):
    participant_type = forms.ChoiceField(
        label=_("Participant type"), choices=ParticipantType.choices
    )
    start_date = forms.DateField(label=_("Start date"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EndMembershipForm(PortalForm):
    end_date = forms.DateField(
        label=_("Last day of the membership"),
        initial=timezone.localdate,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


def _normalised_unique_email(form: forms.ModelForm) -> str:
    email = form.cleaned_data["email"].strip().lower()
    others = User.objects.filter(email__iexact=email).exclude(pk=form.instance.pk)
    if others.exists():
        raise forms.ValidationError(_("A user with this e-mail address exists."))
    return email


class PortalUserCreationForm(HardenedFieldsMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self):
        return _normalised_unique_email(self)


class PortalUserChangeForm(HardenedFieldsMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        return _normalised_unique_email(self)


class CompanyGroupForm(PortalModelForm):
    class Meta:
        model = CompanyGroup
        fields = (
            "name",
            "parent",
            "units_pay_own_fee",
            "fee_decision_date",
            "fee_decision_reference",
        )

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if refusal := services.company_group_parent_refusal(group=self.instance, parent=parent):
            raise refusal
        return parent


class OrganisationAdminForm(InvoiceDataFormMixin, PortalModelForm):
    """The organisation's admin page; its invoice data is checked as on the profile page."""

    class Meta:
        model = Organisation
        fields = "__all__"
        formfield_callback = portal_formfield

    def invoice_data_billable(self) -> bool:
        # A unit's billing follows its group as chosen on this page, not as stored.
        instance = self.instance
        if "group" in self.cleaned_data:
            instance.group = self.cleaned_data["group"]
        return services.organisation_is_billable(instance)
