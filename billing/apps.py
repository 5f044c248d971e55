from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        # The audit trail of staff changes, and the beat tasks kept apart from billing/tasks.py.
        from billing import audit, periodic  # noqa: F401
