import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members import selectors, services
from members.models import Membership, MembershipStatus, ParticipantType
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2025, 1, 1)
JUL_1 = datetime.date(2025, 7, 1)


def test_changing_type_ends_the_period_the_day_before_and_opens_the_next():
    organisation = OrganisationFactory()
    services.membership_start(
        organisation=organisation, participant_type=ParticipantType.SUPPLIER, start_date=JAN_1
    )
    new = services.membership_change_type(
        organisation=organisation, participant_type=ParticipantType.CORE, effective_date=JUL_1
    )
    periods = list(organisation.memberships.order_by("start_date"))
    assert [(p.participant_type, p.status, p.start_date, p.end_date) for p in periods] == [
        (ParticipantType.SUPPLIER, MembershipStatus.ENDED, JAN_1, datetime.date(2025, 6, 30)),
        (ParticipantType.CORE, MembershipStatus.ACTIVE, JUL_1, None),
    ]
    assert new == periods[1]


def test_history_answers_the_type_on_any_date():
    organisation = OrganisationFactory()
    services.membership_start(
        organisation=organisation, participant_type=ParticipantType.SUPPLIER, start_date=JAN_1
    )
    services.membership_change_type(
        organisation=organisation, participant_type=ParticipantType.CORE, effective_date=JUL_1
    )
    on = selectors.membership_on
    assert on(organisation=organisation, on=datetime.date(2024, 12, 31)) is None
    assert (
        on(organisation=organisation, on=datetime.date(2025, 6, 30)).participant_type == "supplier"
    )
    assert on(organisation=organisation, on=JUL_1).participant_type == "core"
    assert on(organisation=organisation, on=JUL_1).status == MembershipStatus.ACTIVE


def test_who_was_a_core_company_on_a_date_stays_true_after_later_changes():
    organisation = OrganisationFactory()
    services.membership_start(
        organisation=organisation, participant_type=ParticipantType.CORE, start_date=JAN_1
    )
    services.membership_change_type(
        organisation=organisation, participant_type=ParticipantType.OTHER, effective_date=JUL_1
    )
    core_in_march = selectors.organisations_active_on(datetime.date(2025, 3, 1), "core")
    core_in_august = selectors.organisations_active_on(datetime.date(2025, 8, 1), "core")
    assert list(core_in_march) == [organisation]
    assert list(core_in_august) == []


def test_ended_membership_is_active_until_its_last_day_only():
    organisation = OrganisationFactory()
    services.membership_start(
        organisation=organisation, participant_type=ParticipantType.CORE, start_date=JAN_1
    )
    services.membership_end(organisation=organisation, end_date=datetime.date(2025, 3, 31))
    assert selectors.membership_on(organisation=organisation, on=datetime.date(2025, 3, 31))
    assert selectors.membership_on(organisation=organisation, on=datetime.date(2025, 4, 1)) is None


def test_a_second_open_period_is_refused_by_the_service():
    organisation = OrganisationFactory()
    services.membership_start(
        organisation=organisation, participant_type=ParticipantType.CORE, start_date=JAN_1
    )
    with pytest.raises(ValidationError, match="already has an open membership period"):
        services.membership_start(
            organisation=organisation, participant_type=ParticipantType.OTHER, start_date=JUL_1
        )
    assert organisation.memberships.count() == 1


def test_a_second_open_period_is_refused_by_the_database():
    period = MembershipFactory(start_date=JAN_1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            organisation=period.organisation, participant_type="other", start_date=JUL_1
        )


def test_a_period_cannot_end_before_it_starts_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(start_date=JUL_1, end_date=JAN_1, status=MembershipStatus.ENDED)


def test_type_change_must_come_after_the_current_period_started():
    organisation = OrganisationFactory()
    services.membership_start(
        organisation=organisation, participant_type=ParticipantType.CORE, start_date=JUL_1
    )
    with pytest.raises(ValidationError, match="after the current period started"):
        services.membership_change_type(
            organisation=organisation, participant_type="supplier", effective_date=JUL_1
        )
    assert organisation.memberships.get().end_date is None


def test_type_change_to_the_same_type_is_refused():
    organisation = OrganisationFactory()
    services.membership_start(
        organisation=organisation, participant_type=ParticipantType.CORE, start_date=JAN_1
    )
    with pytest.raises(ValidationError, match="already has this participant type"):
        services.membership_change_type(
            organisation=organisation, participant_type="core", effective_date=JUL_1
        )


def test_new_period_cannot_overlap_the_previous_one():
    organisation = OrganisationFactory()
    services.membership_start(
        organisation=organisation, participant_type=ParticipantType.CORE, start_date=JAN_1
    )
    services.membership_end(organisation=organisation, end_date=JUL_1)
    with pytest.raises(ValidationError, match="must start after the previous one ended"):
        services.membership_start(
            organisation=organisation, participant_type="core", start_date=JUL_1
        )


def test_unknown_participant_type_is_refused():
    with pytest.raises(ValidationError, match="Unknown participant type"):
        services.membership_start(
            organisation=OrganisationFactory(), participant_type="king", start_date=JAN_1
        )
