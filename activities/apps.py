from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities and in-kind hours")

    def ready(self):
        from activities import audit  # noqa: F401  (registers models with the audit trail)
