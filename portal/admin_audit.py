"""The audit-log history page of the admin, for an object that does not exist (any more)."""

from auditlog import mixins
from django.contrib.admin.utils import unquote


class AuditlogHistoryAdminMixin(mixins.AuditlogHistoryAdminMixin):
    """django-auditlog's history page, which fails with a 500 for a missing object.

    A missing (or deleted) object gets what Django's own change and history pages give: a
    message and a redirect to the admin index.
    """

    def auditlog_history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        return super().auditlog_history_view(request, object_id, extra_context)
