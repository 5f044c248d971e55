"""Hostile input on the member pages and in the admin: a clear error, never a 500."""

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from members.models import Application, Invitation, Organisation, Role
from portal import parsing
from portal.forms import StrictDecimalField, StrictIntegerField
from tests.factories import active_organisation, member_of, valid_organisation_number
from tests.helpers import change_page, messages_of

pytestmark = pytest.mark.django_db

LONG_EMAIL = "a" * 250 + "@example.com"  # 262 characters; the columns hold 254
LINE_BREAKS = ["Nordlys\nAS", "Nordlys\r\nBcc: x@example.com", "Nordlys\x00", "Nordlys\u2028AS"]


def _application_data(**overrides):
    return {
        "name": "Nordlys Batterimaterialer AS",
        "organisation_number": valid_organisation_number(7),
        "street_address": "Industriveien 3",
        "postal_code": "8607",
        "city": "Mo i Rana",
        "invoice_email": "faktura@nordlys.no",
        "website": "nordlys.no",
        "size_band": "10-49",
        "description": "Anodematerialer.\nOg katodematerialer.",
        "requested_type": "supplier",
        "contact_name": "Ingrid Berg",
        "contact_email": "ingrid@nordlys.no",
        "contact_phone": "+47 900 00 000",
        **overrides,
    }


# --- URL parameters -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["x=%00", "next=%00", "q=a%00b", "%00=1", "x=%1B%5B31m"])
def test_a_nul_byte_in_a_url_parameter_is_a_400_also_anonymously(client, query):
    assert client.get(f"{reverse('members:apply')}?{query}").status_code == 400


@pytest.mark.parametrize(
    "query", ["q=%00", "segment=%00", "participant_type=%00", "page=%00", "q=a%C2%85b"]
)
def test_a_nul_byte_in_the_directory_filter_is_a_400(client, query):
    client.force_login(member_of(active_organisation()))
    assert client.get(f"{reverse('members:directory')}?{query}").status_code == 400


def test_a_nul_byte_in_an_admin_changelist_filter_is_a_400(staff_client):
    assert staff_client.get("/admin/auditlog/logentry/?object_pk=%00").status_code == 400
    assert staff_client.get("/admin/members/organisation/?q=%00").status_code == 400


def test_ordinary_search_text_passes(client):
    client.force_login(member_of(active_organisation()))
    response = client.get(reverse("members:directory"), {"q": "Sønn & O'Brien – 😀"})
    assert response.status_code == 200


# --- E-mail addresses longer than the column ------------------------------------------------


@pytest.mark.parametrize("field", ["contact_email", "invoice_email"])
def test_an_application_email_longer_than_the_column_is_a_field_error(client, field):
    response = client.post(reverse("members:apply"), _application_data(**{field: LONG_EMAIL}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Application.objects.exists()


def test_an_invitation_email_longer_than_the_column_is_a_field_error(client):
    organisation = active_organisation()
    client.force_login(member_of(organisation, Role.ADMIN))
    url = reverse("members:people", kwargs={"pk": organisation.pk})
    response = client.post(url, {"email": LONG_EMAIL, "role": "member"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.exists()


def test_every_email_field_of_the_portal_forms_is_bounded_by_its_column():
    from members import forms as member_forms

    for form_class in (
        member_forms.ApplicationForm,
        member_forms.OrganisationProfileForm,
        member_forms.InvitationForm,
    ):
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.EmailField):
                assert field.max_length == 254, (form_class.__name__, name)


# --- Control characters in one-line fields --------------------------------------------------


@pytest.mark.parametrize("value", LINE_BREAKS)
@pytest.mark.parametrize("field", ["name", "contact_name", "city"])
def test_control_characters_in_a_one_line_application_field_are_a_field_error(client, field, value):
    response = client.post(reverse("members:apply"), _application_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Application.objects.exists()


def test_a_multiline_description_keeps_its_line_breaks_but_refuses_other_controls(client):
    response = client.post(
        reverse("members:apply"), _application_data(description="Linje én.\x1bLinje to.")
    )
    assert response.context["form"].errors["description"]
    client.post(reverse("members:apply"), _application_data())
    assert Application.objects.get().description == "Anodematerialer.\nOg katodematerialer."


@pytest.mark.parametrize("value", LINE_BREAKS)
def test_a_line_break_in_the_company_name_is_refused_on_the_profile_page(client, value):
    organisation = active_organisation(name="Uendret AS")
    client.force_login(member_of(organisation, Role.ADMIN))
    url = reverse("members:organisation_edit", kwargs={"pk": organisation.pk})
    response = client.post(
        url, {"name": value, "invoice_email": "f@x.no", "size_band": "10-49", "city": "Bø"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    organisation.refresh_from_db()
    assert organisation.name == "Uendret AS"


def test_a_line_break_in_the_company_name_is_refused_in_the_admin(staff_client):
    organisation = active_organisation(name="Uendret AS")
    response = staff_client.get(change_page(organisation))
    data = {
        key: value
        for key, value in response.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    response = staff_client.post(change_page(organisation), {**data, "name": "Nordlys\nAS"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"]
    organisation.refresh_from_db()
    assert organisation.name == "Uendret AS"


def _admin_forms(staff):
    request = RequestFactory().get("/admin/")
    request.user = staff
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin.get_form(request)()
        for inline in model_admin.get_inline_instances(request):
            yield model, inline.get_formset(request)().empty_form


def test_every_admin_form_field_is_hardened(staff):
    """The admin hook covers every registered admin, ours and the third-party ones."""
    checked = 0
    for model, form in _admin_forms(staff):
        for name, field in form.fields.items():
            where = f"{model._meta.label}.{name}"
            if type(field) in (forms.DecimalField, forms.IntegerField):
                pytest.fail(f"{where} is not a strict number field")
            if isinstance(field, forms.CharField):
                multiline = isinstance(field.widget, forms.Textarea)
                wanted = parsing.validate_multiline if multiline else parsing.validate_one_line
                assert wanted in field.validators, where
                checked += 1
            if isinstance(field, StrictDecimalField | StrictIntegerField):
                checked += 1
    assert checked > 50


# --- The audit-log admin for objects that do not exist --------------------------------------


def test_the_audit_log_of_a_missing_object_redirects_with_a_message(staff_client):
    organisation = active_organisation()
    url = reverse("admin:members_organisation_auditlog", args=[organisation.pk])
    organisation.memberships.all().delete()
    Organisation.objects.filter(pk=organisation.pk).delete()
    response = staff_client.get(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "doesn’t exist" in messages_of(response)[0]


def test_every_audit_log_page_answers_a_missing_object_without_a_500(staff_client):
    pages = 0
    for model in admin.site._registry:
        meta = model._meta
        for object_id in ("999999", "%00", "x"):
            try:
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_auditlog", args=[999])
            except NoReverseMatch:
                break
            url = url.replace("/999/", f"/{object_id}/")
            assert staff_client.get(url).status_code in (302, 404), url
            pages += 1
    assert pages >= 3 * 10
    assert staff_client.get("/admin/auditlog/logentry/999999/change/").status_code == 302


def test_an_account_email_longer_than_the_column_is_a_field_error(client):
    from allauth.account.models import EmailAddress

    user = member_of(active_organisation())
    client.force_login(user)
    response = client.post(reverse("account_email"), {"email": LONG_EMAIL, "action_add": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not EmailAddress.objects.filter(email=LONG_EMAIL).exists()
