"""``organisation_mail_recipients``: one rule for who receives an organisation's mail."""

import pytest

from members.models import Organisation, Role
from members.selectors import (
    MailPurpose,
    organisation_admins_prefetch,
    organisation_mail_recipients,
)
from tests.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db

MONEY = [MailPurpose.INVOICE, MailPurpose.PAYMENT_REMINDER]
PEOPLE = [MailPurpose.HOUR_REMINDER, MailPurpose.MEETING_NOTICE]


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(invoice_email="faktura@celle.no")
    member_of(organisation, role=Role.ADMIN, email="sjef@celle.no")
    member_of(organisation, role=Role.ADMIN, email="andre.sjef@celle.no")
    member_of(organisation, role=Role.MEMBER, email="ansatt@celle.no")
    return organisation


@pytest.mark.parametrize("purpose", MONEY)
def test_money_goes_to_the_invoice_address(organisation, purpose):
    assert organisation_mail_recipients(organisation, purpose) == ["faktura@celle.no"]


@pytest.mark.parametrize("purpose", MONEY)
def test_money_without_an_invoice_address_goes_to_the_admins(organisation, purpose):
    organisation.invoice_email = ""
    assert organisation_mail_recipients(organisation, purpose) == [
        "andre.sjef@celle.no",
        "sjef@celle.no",
    ]


@pytest.mark.parametrize("purpose", PEOPLE)
def test_hours_and_meetings_go_to_the_admins_never_to_plain_members(organisation, purpose):
    assert organisation_mail_recipients(organisation, purpose) == [
        "andre.sjef@celle.no",
        "sjef@celle.no",
    ]


@pytest.mark.parametrize("purpose", PEOPLE)
def test_hours_and_meetings_without_admins_go_to_the_invoice_address(purpose):
    organisation = OrganisationFactory(invoice_email="faktura@celle.no")
    member_of(organisation, role=Role.MEMBER, email="ansatt@celle.no")
    assert organisation_mail_recipients(organisation, purpose) == ["faktura@celle.no"]


@pytest.mark.parametrize("purpose", list(MailPurpose))
def test_nobody_to_write_to_is_an_empty_list(purpose):
    organisation = OrganisationFactory(invoice_email="")
    assert organisation_mail_recipients(organisation, purpose) == []


def test_purposes_may_be_given_by_value(organisation):
    assert organisation_mail_recipients(organisation, "invoice") == ["faktura@celle.no"]
    with pytest.raises(ValueError, match="newsletter"):
        organisation_mail_recipients(organisation, "newsletter")


def test_money_with_an_invoice_address_asks_the_database_nothing(
    organisation, django_assert_num_queries
):
    with django_assert_num_queries(0):
        organisation_mail_recipients(organisation, MailPurpose.INVOICE)


def test_with_the_prefetch_many_organisations_cost_two_queries(django_assert_num_queries):
    for n in range(5):
        organisation = OrganisationFactory(invoice_email="")
        member_of(organisation, role=Role.ADMIN, email=f"sjef{n}@celle.no")
    with django_assert_num_queries(2):
        organisations = Organisation.objects.prefetch_related(organisation_admins_prefetch())
        answers = [
            organisation_mail_recipients(organisation, MailPurpose.HOUR_REMINDER)
            for organisation in organisations.order_by("pk")
        ]
    assert answers == [[f"sjef{n}@celle.no"] for n in range(5)]
