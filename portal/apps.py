from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import (  # noqa: PLC0415 -- both need the app registry, as said below
            admin_fields,  # needs the admin app loaded
            rules,  # noqa: F401 -- registers the permissions
        )

        admin_fields.install()
