from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        # Registers the models with the audit trail; models can be imported only once apps load.
        from members import audit  # noqa: F401, PLC0415 -- see above
