"""Issued invoices for the payment, status, reminder, export and admin tests."""

import datetime
from decimal import Decimal

from billing.models import FeeSchedule, Invoice
from billing.services.issuing import fee_invoice_issue
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule

YEAR = 2026
ISSUED = datetime.date(2026, 1, 2)  # with 30 days to pay: due on 2026-02-01


def issue_invoice(
    *,
    issue_date: datetime.date = ISSUED,
    year: int = YEAR,
    amount: Decimal = Decimal("10000"),
    days_to_due: int = 30,
    **organisation_fields,
) -> Invoice:
    """A participation-fee invoice of ``amount`` + 25 % VAT for a new active member."""
    if not FeeSchedule.objects.filter(year=year).exists():
        fee_schedule(year, amount=amount, days_to_due=days_to_due)
    organisation = OrganisationFactory(**organisation_fields)
    MembershipFactory(organisation=organisation, start_date=datetime.date(year - 1, 1, 1))
    return fee_invoice_issue(
        organisation=organisation, year=year, issued_by=None, issue_date=issue_date
    )
