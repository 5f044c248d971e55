import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from members import services
from members.models import OrganisationRole, Role
from tests.factories import OrganisationFactory, member_of

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: set DATABASE_URL")


def test_two_admins_stepping_down_at_once_leave_one_admin():
    organisation = OrganisationFactory()
    admins = [member_of(organisation, Role.ADMIN) for _ in range(2)]
    roles = [OrganisationRole.objects.get(user=user) for user in admins]
    barrier = threading.Barrier(len(roles))
    outcomes = []

    def step_down(organisation_role):
        try:
            barrier.wait(timeout=10)
            services.role_change(organisation_role=organisation_role, role=Role.MEMBER)
            outcomes.append("demoted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=step_down, args=(role,)) for role in roles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["demoted", "refused"]
    assert OrganisationRole.objects.filter(organisation=organisation, role=Role.ADMIN).count() == 1
