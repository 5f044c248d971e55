"""At most one open invitation per address and organisation, enforced by the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from members import services
from members.models import Invitation, Role
from tests.factories import InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MESSAGE = "An invitation to this address is already open for this organisation."


@pytest.fixture(autouse=True)
def _across_organisations():
    with scopes_disabled():
        yield


def test_a_second_open_invitation_to_the_same_address_in_any_case_is_refused():
    first = InvitationFactory(email="per@fjordcelle.no")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(organisation=first.organisation, email="Per@Fjordcelle.NO")


def test_accepted_and_revoked_invitations_and_other_organisations_do_not_count():
    now = timezone.now()
    first = InvitationFactory(email="per@fjordcelle.no", accepted_at=now)
    InvitationFactory(organisation=first.organisation, email="per@fjordcelle.no", revoked_at=now)
    InvitationFactory(organisation=first.organisation, email="per@fjordcelle.no")
    InvitationFactory(organisation=OrganisationFactory(), email="per@fjordcelle.no")
    assert Invitation.objects.count() == 4


def test_the_constraint_explains_itself_in_words_not_by_its_name():
    first = InvitationFactory(email="per@fjordcelle.no")
    second = Invitation(
        organisation=first.organisation, email="PER@fjordcelle.no", expires_at=first.expires_at
    )
    with pytest.raises(ValidationError) as refused:
        second.validate_constraints()
    assert refused.value.messages == [MESSAGE]


def test_inviting_the_same_address_again_replaces_the_open_invitation():
    organisation = OrganisationFactory()
    first = services.invitation_create(organisation=organisation, email="Per@Fjordcelle.no")
    second = services.invitation_create(
        organisation=organisation, email="per@fjordcelle.no", role=Role.ADMIN
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    open_ones = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    assert list(open_ones) == [second]
