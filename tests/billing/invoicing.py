"""Issued invoices for the payment, status, reminder, export and admin tests."""

import datetime
from decimal import Decimal

from billing.models import FeeSchedule, Invoice
from billing.services.issuing import fee_invoice_issue
from members.models import ParticipantType, SizeBand
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


def grid_data(year, fees=None, **fields) -> dict:
    """The fee schedule's admin form: every cell of the grid, by type and size position."""
    from billing.admin.fee_grid import cell_field_name

    data = {
        "year": year,
        "vat_treatment": "S",
        "vat_rate": "25",
        "vat_exemption_reason": "",
        "days_to_due": "30",
        "decided_on": "",
        "joiner_fee": "full",
        **fields,
    }
    for participant_type in ParticipantType:
        for index, size_band in enumerate(SizeBand):
            amount = (fees or {}).get((participant_type.value, size_band.value), "")
            data[cell_field_name(participant_type, index)] = amount
    return data
