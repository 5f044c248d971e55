"""Fee arithmetic. Who pays the fee of a year, and how much, is read by
``billing.selectors.fee_plan`` (docs/architecture.md, invariant 6)."""

from decimal import Decimal

from billing.money import quantize


def pro_rata(amount: Decimal, *, from_month: int) -> Decimal:
    """The part of a yearly fee for the months from ``from_month`` to December."""
    months = 13 - from_month
    return quantize(amount * months / 12)
