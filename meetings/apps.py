from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Annual meetings")

    def ready(self):
        # Registers the models with the audit trail; models can be imported only once apps load.
        from meetings import audit  # noqa: F401, PLC0415 -- see above

        self.register_job_kinds()

    def register_job_kinds(self):
        # portal.jobs and the services import models, so they load once the apps have.
        from meetings.services.notice import NOTICE_JOB  # noqa: PLC0415 -- see above
        from portal.jobs import register_job_kind  # noqa: PLC0415 -- see above

        register_job_kind(NOTICE_JOB, _("Annual meeting notice"))
