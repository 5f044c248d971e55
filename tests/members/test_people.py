import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import OrganisationRole, Role
from tests.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db


def _role(user, organisation):
    return OrganisationRole.objects.get(user=user, organisation=organisation)


def test_the_last_admin_cannot_be_demoted():
    organisation = OrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    with pytest.raises(ValidationError) as error:
        services.role_change(organisation_role=_role(admin, organisation), role=Role.MEMBER)
    assert error.value.code == "last_admin"
    assert _role(admin, organisation).role == Role.ADMIN


def test_the_last_admin_cannot_be_removed():
    organisation = OrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    member_of(organisation, Role.MEMBER)
    with pytest.raises(ValidationError, match="at least one administrator"):
        services.person_remove(organisation_role=_role(admin, organisation))
    assert _role(admin, organisation).role == Role.ADMIN


def test_an_admin_can_step_down_when_another_admin_remains():
    organisation = OrganisationFactory()
    first = member_of(organisation, Role.ADMIN)
    member_of(organisation, Role.ADMIN)
    services.role_change(organisation_role=_role(first, organisation), role=Role.MEMBER)
    assert _role(first, organisation).role == Role.MEMBER


def test_a_member_can_be_removed_and_promoted():
    organisation = OrganisationFactory()
    member_of(organisation, Role.ADMIN)
    colleague = member_of(organisation)
    leaver = member_of(organisation)
    services.role_change(organisation_role=_role(colleague, organisation), role=Role.ADMIN)
    services.person_remove(organisation_role=_role(leaver, organisation))
    assert _role(colleague, organisation).role == Role.ADMIN
    assert not OrganisationRole.objects.filter(user=leaver).exists()


def test_admin_role_in_one_organisation_does_not_count_for_another():
    organisation, other = OrganisationFactory(), OrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    services.person_add(organisation=other, user=admin, role=Role.ADMIN)
    member_of(other, Role.ADMIN)
    with pytest.raises(ValidationError):
        services.role_change(organisation_role=_role(admin, organisation), role=Role.MEMBER)


def test_unknown_role_is_refused():
    organisation = OrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    with pytest.raises(ValidationError, match="Unknown role"):
        services.role_change(organisation_role=_role(admin, organisation), role="owner")
