"""Money helpers shared by billing: the øre, rounding to it, and how a bank account is printed."""

from decimal import ROUND_HALF_UP, Decimal

from stdnum.no import kontonr

CENT = Decimal("0.01")


def quantize(amount: Decimal) -> Decimal:
    """``amount`` rounded to the øre, halves away from zero (as Norwegian invoices round)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_bank_account(account: str) -> str:
    """A Norwegian account number as banks print it (8601.11.17947); anything else unchanged."""
    return kontonr.format(account) if kontonr.is_valid(account) else account
