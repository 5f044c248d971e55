"""Staff changes to fee schedules, seller details, invoices, payments and credit balances leave
an audit record.

Number series are left out: the issuing service moves their counters on every document, and
staff cannot edit them.
"""

from auditlog.registry import auditlog

from billing import models

for model in (
    models.Seller,
    models.FeeSchedule,
    models.FeeAmount,
    models.Invoice,
    models.Payment,
    models.PaymentReminder,
    models.InvoiceRun,
    models.CreditBalanceEntry,
    models.FeeScheduleJoinerRule,
):
    auditlog.register(model)
