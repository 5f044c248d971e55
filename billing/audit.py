"""Staff changes to fee schedules, seller details, invoices and payments leave an audit record.

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
):
    auditlog.register(model)
