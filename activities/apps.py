from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities and in-kind hours")

    def ready(self):
        # Registers the models with the audit trail; models can be imported only once apps load.
        from activities import audit  # noqa: F401, PLC0415 -- see above

        self.register_job_kinds()

    def register_job_kinds(self):
        # portal.jobs and the services import models, so they load once the apps have.
        from activities.services.statements import STATEMENTS_JOB  # noqa: PLC0415 -- see above
        from portal.jobs import register_job_kind  # noqa: PLC0415 -- see above

        register_job_kind(STATEMENTS_JOB, _("In-kind statements"))
