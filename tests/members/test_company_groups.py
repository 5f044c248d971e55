import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import CompanyGroup
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_parent_in_no_group_becomes_a_unit_of_the_saved_group():
    parent = OrganisationFactory()
    group = services.company_group_save(group=CompanyGroup(name="Konsern AS", parent=parent))
    parent.refresh_from_db()
    assert parent.group == group
    assert list(group.units.all()) == [parent]


def test_a_parent_in_another_group_is_refused_and_nothing_is_saved():
    other = CompanyGroup.objects.create(name="Annet konsern")
    unit = OrganisationFactory(group=other)
    with pytest.raises(ValidationError) as caught:
        services.company_group_save(group=CompanyGroup(name="Konsern AS", parent=unit))
    assert "parent" in caught.value.message_dict
    assert not CompanyGroup.objects.filter(name="Konsern AS").exists()
    unit.refresh_from_db()
    assert unit.group == other


def test_saving_a_group_again_keeps_its_parent_a_unit():
    parent = OrganisationFactory()
    group = services.company_group_save(group=CompanyGroup(name="Konsern AS", parent=parent))
    group.units_pay_own_fee = True
    services.company_group_save(group=group)
    parent.refresh_from_db()
    assert parent.group == group
    assert CompanyGroup.objects.get().units_pay_own_fee


def test_a_group_without_a_parent_is_saved():
    group = services.company_group_save(group=CompanyGroup(name="Konsern AS"))
    assert group.pk is not None
    assert not group.units.exists()
