"""The secretariat's admin for billing. Documents are read-only; writes go through services."""

from billing.admin import fees, invoices, payments  # noqa: F401  (each module registers)
