from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        # The audit trail of staff changes, and the beat tasks kept apart from billing/tasks.py.
        from billing import audit, periodic  # noqa: F401, PLC0415 -- registration, as said above

        self.register_job_kinds()

    def register_job_kinds(self):
        # portal.jobs and the services import models, so they load once the apps have.
        from billing.services.runs import RUN_JOB_KIND  # noqa: PLC0415 -- see above
        from portal.jobs import register_job_kind  # noqa: PLC0415 -- see above

        register_job_kind(RUN_JOB_KIND, _("Invoice run"))
