"""Forms of the member portal. They parse and check input; services make the changes."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.models import (
    Application,
    Competence,
    CompetenceArea,
    CompetenceKind,
    Invitation,
    Organisation,
    ParticipantType,
    Role,
    User,
    ValueChainSegment,
)
from members.services import PROFILE_FIELDS, organisation_is_billable
from members.validators import NORWAY, normalise_organisation_number, validate_invoice_data
from portal.forms import PortalForm, PortalModelForm, portal_formfield


def segment_choices_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=ValueChainSegment.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Value-chain segments"),
    )


class InvoiceDataFormMixin:
    """Checks the invoice data as it is typed (``members.validators.validate_invoice_data``);
    the service checks it again. ``invoice_data_billable`` says whether the address and invoice
    e-mail are required."""

    cleaned_data: dict

    # Fields with a default that a form posted without them keeps (Norway, Norwegian).
    DEFAULTED_FIELDS = ("country", "invoice_language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED_FIELDS:
            if name in self.fields:
                self.fields[name].required = False

    def invoice_data_billable(self) -> bool:
        return False

    def _defaulted(self, name: str) -> str:
        return self.cleaned_data.get(name) or Organisation._meta.get_field(name).default

    def clean_country(self) -> str:
        return self._defaulted("country").strip().upper()

    def clean_invoice_language(self) -> str:
        return self._defaulted("invoice_language")

    def clean(self):
        cleaned = super().clean()
        values = {
            name: cleaned.get(name) or ""
            for name in ("street_address", "postal_code", "city", "invoice_email")
        }
        values["country"] = cleaned.get("country", NORWAY)
        try:
            validate_invoice_data(**values, billable=self.invoice_data_billable())
        except ValidationError as error:
            for name, messages in error.error_dict.items():
                # A field that failed its own checks already says what is wrong with it.
                if name in self.fields and name not in self.errors:
                    self.add_error(name, messages)
        return cleaned


class ApplicationForm(InvoiceDataFormMixin, PortalModelForm):
    # Wider than the nine stored digits so "912 345 678" is accepted and normalised.
    organisation_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_("Nine digits, as in the Brønnøysund Register Centre."),
    )
    segments = segment_choices_field()

    class Meta:
        model = Application
        formfield_callback = portal_formfield
        fields = [
            "name",
            "organisation_number",
            "street_address",
            "postal_code",
            "city",
            "invoice_email",
            "website",
            "size_band",
            "description",
            "requested_type",
            "segments",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "requested_type": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no empty "---------" choice; the field stays required.
        self.fields["requested_type"].choices = ParticipantType.choices

    def clean_organisation_number(self) -> str:
        return normalise_organisation_number(self.cleaned_data["organisation_number"])

    def invoice_data_billable(self) -> bool:
        return True  # an approved applicant is invoiced for the fee

    def service_arguments(self) -> dict:
        """Keyword arguments for ``services.application_submit``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OrganisationProfileForm(InvoiceDataFormMixin, PortalModelForm):
    segments = segment_choices_field()

    def invoice_data_billable(self) -> bool:
        return organisation_is_billable(self.instance)

    class Meta:
        model = Organisation
        formfield_callback = portal_formfield
        fields = [*PROFILE_FIELDS, "segments"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def service_arguments(self) -> dict:
        """Keyword arguments for ``services.organisation_update_profile``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InvitationForm(PortalForm):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=Invitation._meta.get_field("email").max_length
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleChangeForm(PortalForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class NewAccountForm(PortalForm):
    """The account created when someone signed out accepts an invitation."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        password1 = cleaned_data.get("password1")
        password2 = cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            # An unsaved user lets the similarity validator compare with the name and address.
            candidate = User(email=self.email, full_name=cleaned_data.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data


class CompetenceForm(PortalModelForm):
    """Add an offer or need. When editing, kind and area are fixed: they identify the entry."""

    class Meta:
        model = Competence
        fields = ["kind", "area", "segment", "text"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = CompetenceArea.objects.all()
        self.fields["area"].empty_label = _("Choose an area")
        self.fields["segment"].queryset = ValueChainSegment.objects.all()
        self.fields["segment"].empty_label = _("Not about one segment")
        self.fields["segment"].help_text = _("Optional: the part of the value chain it is about.")
        self.fields["kind"].choices = [
            (CompetenceKind.OFFER, _("We offer this (we are far ahead)")),
            (CompetenceKind.NEED, _("We need this")),
        ]
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.fields["area"].disabled = True

    def service_arguments(self) -> dict:
        """Keyword arguments for ``services.competence_save``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
