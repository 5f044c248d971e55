"""Gapless document numbers (docs/architecture.md, invariant 5)."""

from billing.models import NumberSeries

INVOICE_SERIES = "invoice"
CREDIT_NOTE_SERIES = "credit_note"


def number_take_next(*, code: str) -> tuple[NumberSeries, int]:
    """Take the series' next number under a row lock. Call inside the issuing transaction:

    a rollback gives the number back, a commit makes it used, so the series has no gaps, and
    concurrent issuers wait for each other instead of taking the same number.
    """
    series = NumberSeries.objects.select_for_update().get(code=code)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series, series.last_number
