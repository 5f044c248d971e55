"""Tenancy, enforced: organisation-private rows only inside an organisation scope."""

import pytest
from django.http import HttpResponse
from django.urls import path, reverse
from django_scopes import ScopeError, scope, scopes_disabled

from activities.models import HourEntry, PeriodConfirmation
from battery_norway.celery import app as celery_app
from battery_norway.urls import urlpatterns as portal_urlpatterns
from billing.models import Invoice, InvoiceLine, Payment, PaymentReminder
from members.models import Invitation, Role
from portal.scoping import ScopesDisabledTask
from tests.factories import InvitationFactory, active_organisation, member_of
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

PRIVATE_MODELS = [HourEntry, PeriodConfirmation, Invoice, InvoiceLine, Payment, PaymentReminder]


def forgetful_view(request):
    """A view that reads private rows without entering an organisation scope."""
    return HttpResponse(str(Invitation.objects.count()))


urlpatterns = [path("forgetful/", forgetful_view), *portal_urlpatterns]


@pytest.mark.parametrize("model", [*PRIVATE_MODELS, Invitation])
def test_a_query_on_a_private_model_outside_an_organisation_scope_raises(model):
    with scope(), pytest.raises(ScopeError):
        list(model.objects.all())


def test_inside_an_organisation_scope_other_organisations_rows_are_invisible():
    mine, theirs = active_organisation(), active_organisation()
    my_invitation = InvitationFactory(organisation=mine)
    InvitationFactory(organisation=theirs)
    with scope(organisation=[mine.pk]):
        assert list(Invitation.objects.all()) == [my_invitation]
        assert list(mine.invitations.all()) == [my_invitation]
        assert not theirs.invitations.exists()
        assert Invitation.objects.filter(organisation=theirs).count() == 0


def test_a_scope_on_several_organisations_sees_each_of_them():
    first, second, third = (active_organisation() for _ in range(3))
    for organisation in (first, second, third):
        InvitationFactory(organisation=organisation)
    with scope(organisation=[first.pk, second.pk]):
        seen = set(Invitation.objects.values_list("organisation_id", flat=True))
    assert seen == {first.pk, second.pk}


def test_test_code_itself_queries_across_organisations():
    InvitationFactory(organisation=active_organisation())
    InvitationFactory(organisation=active_organisation())
    assert Invitation.objects.count() == 2


@pytest.mark.urls(__name__)
def test_a_view_that_forgets_the_scope_raises_under_the_test_client():
    client = logged_in(member_of(active_organisation()))
    with pytest.raises(ScopeError):
        client.get("/forgetful/")


def test_an_organisation_page_runs_in_its_organisations_scope():
    mine, theirs = active_organisation(), active_organisation()
    InvitationFactory(organisation=mine, email="min@example.no")
    InvitationFactory(organisation=theirs, email="deres@example.no")
    client = logged_in(member_of(mine, Role.ADMIN))
    response = client.get(reverse("members:people", kwargs={"pk": mine.pk}))
    assert response.status_code == 200
    assert [i.email for i in response.context["invitations"]] == ["min@example.no"]


def test_the_administration_works_across_organisations(staff_client):
    InvitationFactory(organisation=active_organisation())
    InvitationFactory(organisation=active_organisation())
    response = staff_client.get(reverse("admin:members_invitation_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_celery_tasks_run_with_scopes_disabled():
    assert issubclass(celery_app.Task, ScopesDisabledTask)

    @celery_app.task(name="tests.count_invitations")
    def count_invitations():
        return Invitation.objects.count()

    InvitationFactory(organisation=active_organisation())
    InvitationFactory(organisation=active_organisation())
    with scope():
        assert count_invitations.apply().get() == 2


def test_scopes_disabled_is_explicit_and_local():
    with scope():
        with scopes_disabled():
            assert Invitation.objects.count() == 0
        with pytest.raises(ScopeError):
            Invitation.objects.count()
