import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from members.models import (
    Application,
    ApplicationStatus,
    CompanyGroup,
    CompetenceArea,
    Invitation,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationRole,
    ParticipantType,
    Role,
    User,
    ValueChainSegment,
)
from tests.factories import (
    ApplicationFactory,
    CompetenceFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    active_organisation,
    member_of,
)
from tests.helpers import change_page, changelist, messages_of, run_action

pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2025, 1, 1)


# --- Sign-in ----------------------------------------------------------------------------------


def test_admin_login_goes_through_the_allauth_login(client):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_non_staff_member_cannot_use_the_admin(client):
    client.force_login(UserFactory())

    response = client.get(changelist(Organisation))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- Every model has a working admin ----------------------------------------------------------


def test_every_members_model_is_registered_in_the_admin():
    from django.apps import apps

    models = apps.get_app_config("members").get_models()
    assert {m.__name__ for m in models if not admin.site.is_registered(m)} == set()


@pytest.mark.parametrize(
    "model_name",
    [
        "user",
        "organisation",
        "companygroup",
        "membership",
        "organisationrole",
        "invitation",
        "application",
        "competence",
        "valuechainsegment",
        "competencearea",
    ],
)
def test_changelist_search_and_change_page_render_for(staff_client, model_name):
    organisation = active_organisation()
    member_of(organisation, role=Role.ADMIN)
    InvitationFactory(organisation=organisation)
    ApplicationFactory()
    CompetenceFactory(organisation=organisation)
    CompanyGroup.objects.create(name="Konsern AS", parent=organisation)
    url = reverse(f"admin:members_{model_name}_changelist")

    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "a"}).status_code == 200
    obj = admin.site._registry[
        next(m for m in admin.site._registry if m._meta.model_name == model_name)
    ].model.objects.first()
    assert staff_client.get(change_page(obj)).status_code == 200


# --- Applications: approve and reject ---------------------------------------------------------


def test_approving_creates_organisation_membership_admin_invitation_and_sends_the_email(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    segment = ValueChainSegment.objects.get(slug="recycling")
    application = ApplicationFactory(requested_type=ParticipantType.SUPPLIER)
    application.segments.set([segment])

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(staff_client, Application, "approve", [application])

    assert response.status_code == 302
    organisation = Organisation.objects.get(organisation_number=application.organisation_number)
    assert organisation.name == application.name
    assert list(organisation.segments.all()) == [segment]
    period = organisation.memberships.get()
    assert (period.participant_type, period.status, period.end_date) == (
        ParticipantType.SUPPLIER,
        MembershipStatus.ACTIVE,
        None,
    )
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        application.contact_email,
        Role.ADMIN,
        staff,
    )
    application.refresh_from_db()
    assert (application.status, application.decided_by, application.organisation) == (
        ApplicationStatus.APPROVED,
        staff,
        organisation,
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [application.contact_email]
    assert invitation.token in mailoutbox[0].body
    assert any("approved" in message for message in messages_of(response))


def test_approving_twice_changes_nothing_the_second_time_and_says_why(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        run_action(staff_client, Application, "approve", [application])
    counts = (Organisation.objects.count(), Membership.objects.count(), Invitation.objects.count())

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(staff_client, Application, "approve", [application])

    assert counts == (1, 1, 1)
    assert (
        Organisation.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
    ) == counts
    assert len(mailoutbox) == 1
    assert messages_of(response)[-1] == (
        f"{application}: Only a pending application can be approved."
    )


def test_approval_refused_by_the_service_leaves_nothing_half_done(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    existing = OrganisationFactory()
    application = ApplicationFactory(organisation_number=existing.organisation_number)
    good = ApplicationFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(staff_client, Application, "approve", [application, good])

    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert Organisation.objects.count() == 2  # the existing one and the good application's
    assert not Invitation.objects.filter(email=application.contact_email).exists()
    assert [mail.to for mail in mailoutbox] == [[good.contact_email]]
    assert f"{application}: An organisation with organisation number" in " ".join(
        messages_of(response)
    )


def test_reject_asks_for_a_reason_on_an_intermediate_page(staff_client):
    application = ApplicationFactory()

    response = run_action(staff_client, Application, "reject", [application])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/action_form.html"
    assert 'name="reason"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_reject_without_a_reason_gives_a_field_error_and_rejects_nothing(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            staff_client, Application, "reject", [application], apply="yes", reason="  "
        )

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Give a reason for the rejection."]}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert mailoutbox == []


def test_reject_with_a_reason_records_it_and_tells_the_contact(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            staff_client,
            Application,
            "reject",
            [application],
            apply="yes",
            reason="Virksomheten er ikke i batteriverdikjeden.",
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.rejection_reason == "Virksomheten er ikke i batteriverdikjeden."
    assert application.decided_by == staff
    assert [mail.to for mail in mailoutbox] == [[application.contact_email]]
    assert not Organisation.objects.exists()


def test_rejecting_an_approved_application_is_refused_and_changes_nothing(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        run_action(staff_client, Application, "approve", [application])

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            staff_client, Application, "reject", [application], apply="yes", reason="For sent."
        )

    application.refresh_from_db()
    assert (application.status, application.rejection_reason) == (ApplicationStatus.APPROVED, "")
    assert len(mailoutbox) == 1
    assert messages_of(response)[-1] == (
        f"{application}: Only a pending application can be rejected."
    )


def test_decided_application_is_read_only_in_the_admin(staff_client):
    application = ApplicationFactory(status=ApplicationStatus.REJECTED, rejection_reason="Nei.")

    response = staff_client.get(change_page(application))

    assert response.status_code == 200
    assert 'name="name"' not in response.content.decode()


# --- Membership periods -----------------------------------------------------------------------


def test_change_type_action_ends_the_period_and_opens_the_next(staff_client):
    organisation = OrganisationFactory()
    MembershipFactory(
        organisation=organisation, participant_type=ParticipantType.SUPPLIER, start_date=JAN_1
    )

    response = run_action(
        staff_client,
        Organisation,
        "change_type",
        [organisation],
        apply="yes",
        participant_type=ParticipantType.CORE,
        effective_date="2025-07-01",
        note="Vedtak i styret",
    )

    assert response.status_code == 302
    periods = list(organisation.memberships.order_by("start_date"))
    assert [(p.participant_type, p.status, p.start_date, p.end_date) for p in periods] == [
        (ParticipantType.SUPPLIER, MembershipStatus.ENDED, JAN_1, datetime.date(2025, 6, 30)),
        (ParticipantType.CORE, MembershipStatus.ACTIVE, datetime.date(2025, 7, 1), None),
    ]


def test_change_type_from_the_membership_list_uses_the_same_service(staff_client):
    period = MembershipFactory(participant_type=ParticipantType.OTHER, start_date=JAN_1)

    run_action(
        staff_client,
        Membership,
        "change_type",
        [period],
        apply="yes",
        participant_type=ParticipantType.SUPPLIER,
        effective_date="2025-03-01",
    )

    period.refresh_from_db()
    assert (period.status, period.end_date) == (MembershipStatus.ENDED, datetime.date(2025, 2, 28))
    assert period.organisation.memberships.count() == 2


def test_change_type_refused_by_the_service_is_an_error_message_and_changes_nothing(
    staff_client,
):
    period = MembershipFactory(participant_type=ParticipantType.CORE, start_date=JAN_1)

    response = run_action(
        staff_client,
        Organisation,
        "change_type",
        [period.organisation],
        apply="yes",
        participant_type=ParticipantType.CORE,
        effective_date="2025-07-01",
    )

    assert messages_of(response) == [
        f"{period.organisation}: The organisation already has this participant type."
    ]
    assert Membership.objects.get() == period
    period.refresh_from_db()
    assert period.end_date is None


def test_change_type_with_a_bad_date_gives_a_field_error(staff_client):
    period = MembershipFactory(start_date=JAN_1)

    response = run_action(
        staff_client,
        Organisation,
        "change_type",
        [period.organisation],
        apply="yes",
        participant_type=ParticipantType.OTHER,
        effective_date="not a date",
    )

    assert response.status_code == 200
    assert "effective_date" in response.context["form"].errors
    assert Membership.objects.count() == 1


def test_start_and_end_membership_actions(staff_client):
    organisation = OrganisationFactory()

    run_action(
        staff_client,
        Organisation,
        "start_membership",
        [organisation],
        apply="yes",
        participant_type=ParticipantType.OTHER,
        start_date="2025-01-01",
    )
    run_action(
        staff_client,
        Organisation,
        "end_membership",
        [organisation],
        apply="yes",
        end_date="2025-12-31",
    )

    period = organisation.memberships.get()
    assert (period.participant_type, period.start_date, period.end_date, period.status) == (
        ParticipantType.OTHER,
        JAN_1,
        datetime.date(2025, 12, 31),
        MembershipStatus.ENDED,
    )


def test_membership_type_and_dates_cannot_be_edited_in_place(staff_client):
    period = MembershipFactory(participant_type=ParticipantType.CORE, start_date=JAN_1)

    response = staff_client.post(
        change_page(period),
        {
            "participant_type": ParticipantType.OTHER,
            "status": MembershipStatus.ENDED,
            "start_date": "2020-01-01",
            "end_date": "2020-12-31",
            "note": "Rettet notat",
        },
    )

    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.participant_type, period.status, period.start_date, period.end_date) == (
        ParticipantType.CORE,
        MembershipStatus.ACTIVE,
        JAN_1,
        None,
    )
    assert period.note == "Rettet notat"


def test_membership_periods_cannot_be_added_or_deleted_in_the_admin(staff_client):
    period = MembershipFactory()

    assert staff_client.get(reverse("admin:members_membership_add")).status_code == 403
    assert (
        staff_client.get(reverse("admin:members_membership_delete", args=[period.pk])).status_code
        == 403
    )


# --- People: an organisation keeps an admin ---------------------------------------------------


def test_demoting_the_last_admin_is_refused_with_a_message(staff_client):
    organisation = OrganisationFactory()
    admin_user = member_of(organisation, role=Role.ADMIN)
    role = OrganisationRole.objects.get(user=admin_user)

    response = run_action(staff_client, OrganisationRole, "make_member", [role])

    role.refresh_from_db()
    assert role.role == Role.ADMIN
    assert "must keep at least one administrator" in messages_of(response)[0]


def test_removing_a_member_goes_through_the_service(staff_client):
    organisation = OrganisationFactory()
    member_of(organisation, role=Role.ADMIN)
    member = member_of(organisation)

    response = run_action(
        staff_client,
        OrganisationRole,
        "remove",
        OrganisationRole.objects.filter(user=member),
    )

    assert response.status_code == 302
    assert list(OrganisationRole.objects.values_list("role", flat=True)) == [Role.ADMIN]


def test_staff_adds_a_person_to_an_organisation(staff_client):
    organisation = OrganisationFactory()
    user = UserFactory()

    response = staff_client.post(
        reverse("admin:members_organisationrole_add"),
        {"user": user.pk, "organisation": organisation.pk, "role": Role.ADMIN},
    )

    assert response.status_code == 302
    assert OrganisationRole.objects.get().role == Role.ADMIN


def test_adding_the_same_person_twice_gives_an_error_and_saves_nothing(staff_client):
    organisation = OrganisationFactory()
    user = member_of(organisation)

    response = staff_client.post(
        reverse("admin:members_organisationrole_add"),
        {"user": user.pk, "organisation": organisation.pk, "role": Role.ADMIN},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert OrganisationRole.objects.get().role == Role.MEMBER


def test_revoking_an_invitation_makes_it_unusable(staff_client):
    invitation = InvitationFactory()

    run_action(staff_client, Invitation, "revoke", [invitation])

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not invitation.is_usable


# --- Users --------------------------------------------------------------------------------------


def test_staff_creates_a_user_by_email(staff_client):
    response = staff_client.post(
        reverse("admin:members_user_add"),
        {
            "email": "Ny.Person@Example.no",
            "full_name": "Ny Person",
            "usable_password": "true",
            "password1": "lang-og-trygg-passord",
            "password2": "lang-og-trygg-passord",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="ny.person@example.no")
    assert user.check_password("lang-og-trygg-passord")


def test_user_with_an_existing_email_in_other_case_is_refused(staff_client):
    UserFactory(email="kari@example.no")

    response = staff_client.post(
        reverse("admin:members_user_add"),
        {
            "email": "KARI@example.no",
            "usable_password": "true",
            "password1": "lang-og-trygg-passord",
            "password2": "lang-og-trygg-passord",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "A user with this e-mail address exists."
    ]
    assert User.objects.filter(email__iexact="kari@example.no").count() == 1


# --- Company groups ---------------------------------------------------------------------------


def test_company_group_parent_joins_the_group(staff_client):
    parent = OrganisationFactory()

    response = staff_client.post(
        reverse("admin:members_companygroup_add"),
        {
            "name": "Nordkraft-konsernet",
            "parent": parent.pk,
            "units_pay_own_fee": "on",
            "fee_decision_date": "2025-03-14",
            "fee_decision_reference": "Styresak 12/2025",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    group = CompanyGroup.objects.get()
    parent.refresh_from_db()
    assert parent.group == group
    assert (group.units_pay_own_fee, group.fee_decision_reference) == (True, "Styresak 12/2025")


def test_company_group_parent_from_another_group_is_refused(staff_client):
    other = CompanyGroup.objects.create(name="Annet konsern")
    unit = OrganisationFactory(group=other)

    response = staff_client.post(
        reverse("admin:members_companygroup_add"),
        {
            "name": "Nytt konsern",
            "parent": unit.pk,
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert CompanyGroup.objects.count() == 1


# --- Audit trail ------------------------------------------------------------------------------


def test_staff_change_in_the_admin_is_audited_with_who_when_and_what(staff_client, staff):
    organisation = OrganisationFactory(name="Gammelt Navn AS")
    before = timezone.now()

    response = staff_client.post(
        change_page(organisation),
        {
            "name": "Nytt Navn AS",
            "organisation_number": organisation.organisation_number,
            "street_address": organisation.street_address,
            "postal_code": organisation.postal_code,
            "city": organisation.city,
            "country": "NO",
            "invoice_email": organisation.invoice_email,
            "size_band": organisation.size_band,
            **{
                f"{prefix}-{key}": "0"
                for prefix in ("memberships", "roles", "competences")
                for key in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )

    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(organisation).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff
    assert entry.timestamp >= before
    assert entry.changes_dict["name"] == ["Gammelt Navn AS", "Nytt Navn AS"]


def test_approval_in_the_admin_is_audited_with_the_staff_member(staff_client, staff):
    application = ApplicationFactory()

    run_action(staff_client, Application, "approve", [application])

    organisation = Organisation.objects.get()
    created = LogEntry.objects.get_for_object(organisation).get(action=LogEntry.Action.CREATE)
    decided = LogEntry.objects.get_for_object(application).get(action=LogEntry.Action.UPDATE)
    assert created.actor == staff
    assert decided.actor == staff
    assert decided.changes_dict["status"] == [ApplicationStatus.PENDING, ApplicationStatus.APPROVED]


def test_audit_history_page_shows_the_changes(staff_client, staff):
    application = ApplicationFactory()
    run_action(staff_client, Application, "approve", [application])

    response = staff_client.get(
        reverse("admin:members_application_auditlog", args=[application.pk])
    )

    assert response.status_code == 200
    assert str(staff) in response.content.decode()


# --- Query counts -----------------------------------------------------------------------------


def _organisations(n):
    group = CompanyGroup.objects.create(name=f"Konsern {Organisation.objects.count()}")
    for _ in range(n):
        active_organisation(group=group)


def _applications(n, staff):
    for i in range(n):
        ApplicationFactory(
            status=ApplicationStatus.REJECTED if i % 2 else ApplicationStatus.PENDING,
            decided_by=staff if i % 2 else None,
        )


def _memberships(n):
    for _ in range(n):
        MembershipFactory()


@pytest.mark.parametrize(
    ("model", "make_rows", "queries"),
    [
        (Organisation, lambda n, staff: _organisations(n), 7),
        (Application, _applications, 8),
        (Membership, lambda n, staff: _memberships(n), 7),
    ],
)
def test_admin_changelist_query_count_does_not_grow_with_rows(
    staff_client, staff, django_assert_num_queries, model, make_rows, queries
):
    make_rows(3, staff)
    with django_assert_num_queries(queries):
        assert staff_client.get(changelist(model)).status_code == 200

    make_rows(12, staff)
    with django_assert_num_queries(queries):
        assert staff_client.get(changelist(model)).status_code == 200


def test_organisation_changelist_shows_the_type_of_today_and_filters_by_it(staff_client):
    core = active_organisation(ParticipantType.CORE, name="Kjerne AS")
    supplier = active_organisation(ParticipantType.SUPPLIER, name="Leverandør AS")
    outsider = OrganisationFactory(name="Utenfor AS")

    response = staff_client.get(changelist(Organisation), {"current_type": "supplier"})

    assert list(response.context["cl"].result_list) == [supplier]
    everyone = staff_client.get(changelist(Organisation)).context["cl"].result_list
    assert {o.name: o.current_type_value for o in everyone} == {
        core.name: ParticipantType.CORE,
        supplier.name: ParticipantType.SUPPLIER,
        outsider.name: None,
    }
    nobody = staff_client.get(changelist(Organisation), {"current_type": "none"})
    assert list(nobody.context["cl"].result_list) == [outsider]


def test_organisation_change_page_shows_membership_history_and_people(staff_client):
    organisation = OrganisationFactory()
    MembershipFactory(
        organisation=organisation,
        participant_type=ParticipantType.SUPPLIER,
        status=MembershipStatus.ENDED,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 12, 31),
    )
    MembershipFactory(organisation=organisation, start_date=datetime.date(2024, 1, 1))
    member_of(organisation, role=Role.ADMIN, full_name="Kari Nordmann")

    response = staff_client.get(change_page(organisation))

    inlines = {
        formset.opts.model: len(formset.formset.forms)
        for formset in response.context["inline_admin_formsets"]
    }
    assert inlines[Membership] == 2
    assert inlines[OrganisationRole] == 1
    assert "Kari Nordmann" in response.content.decode()


def _organisation_with_history(periods: int):
    organisation = OrganisationFactory()
    for year in range(periods):
        MembershipFactory(
            organisation=organisation,
            status=MembershipStatus.ENDED,
            start_date=datetime.date(2010 + year, 1, 1),
            end_date=datetime.date(2010 + year, 12, 31),
        )
        member_of(organisation, role=Role.ADMIN)
    for area in CompetenceArea.objects.all()[:periods]:
        CompetenceFactory(organisation=organisation, area=area)
    return organisation


def test_organisation_change_page_query_count_does_not_grow_with_history(
    staff_client, django_assert_num_queries
):
    small = _organisation_with_history(1)
    large = _organisation_with_history(6)

    with django_assert_num_queries(8):
        assert staff_client.get(change_page(small)).status_code == 200
    with django_assert_num_queries(8):
        assert staff_client.get(change_page(large)).status_code == 200


def test_application_change_page_query_count_is_fixed(staff_client, django_assert_num_queries):
    application = ApplicationFactory()
    application.segments.set(ValueChainSegment.objects.all())

    with django_assert_num_queries(5):
        assert staff_client.get(change_page(application)).status_code == 200


def test_segment_change_in_the_admin_is_audited_with_the_staff_member(staff_client, staff):
    organisation = OrganisationFactory()
    recycling = ValueChainSegment.objects.get(slug="recycling")

    staff_client.post(
        change_page(organisation),
        {
            "name": organisation.name,
            "organisation_number": organisation.organisation_number,
            "country": "NO",
            "segments": [recycling.pk],
            **{
                f"{prefix}-{key}": "0"
                for prefix in ("memberships", "roles", "competences")
                for key in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )

    entry = LogEntry.objects.get_for_object(organisation).get(changes__has_key="segments")
    assert entry.actor == staff
    assert entry.changes_dict["segments"]["operation"] == "add"
    assert entry.changes_dict["segments"]["objects"][0] in {recycling.name_nb, recycling.name_en}
