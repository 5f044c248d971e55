"""Tenancy, enforced: organisation-private rows are reachable only inside an organisation scope.

The private models (hour entries, confirmations, invoices and their lines, payments, reminders,
invitations) have django-scopes' ``ScopedManager(organisation=...)`` as their default manager.
Every request runs inside an enabled, empty ``scope()``: a query on a private model raises
``ScopeError`` until a view has checked the organisation and entered ``scope(organisation=[pk])``
(``portal.permissions.OrganisationPermissionMixin``). Deliberately cross-organisation work says
so with ``scopes_disabled()``: the administration (below), staff views (``StaffRequiredMixin``),
Celery tasks (``ScopesDisabledTask``), ``seed_demo``, and the few network-wide reads that are
commented where they are.
"""

import logging

from celery import Task
from django.db import InterfaceError, OperationalError, close_old_connections
from django.urls import reverse
from django_scopes import scope, scopes_disabled


class OrganisationScopeMiddleware:
    """An enabled empty scope for every request; none for the administration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")):
            # The secretariat's administration works across organisations by design.
            with scopes_disabled():
                return self.get_response(request)
        with scope():
            return self.get_response(request)


logger = logging.getLogger(__name__)


class ScopesDisabledTask(Task):
    """Celery tasks work across organisations (runs, reminders, sending) and re-fetch by id.

    A task whose database connection is lost (PostgreSQL restarted, the backend terminated) is
    retried with backoff on a fresh connection instead of failing: every task is idempotent and
    re-fetches by id, so running it again completes what the lost attempt left.
    """

    db_retry_max = 5
    db_retry_backoff = 1  # seconds, doubled each time
    db_retry_backoff_max = 60

    def __call__(self, *args, **kwargs):
        with scopes_disabled():
            try:
                return super().__call__(*args, **kwargs)
            except (OperationalError, InterfaceError) as error:
                if self.request.is_eager:  # the caller's own connection: its error to handle
                    raise
                raise self._retry_on_a_new_connection(error) from error

    def _retry_on_a_new_connection(self, error: Exception) -> Exception:
        close_old_connections()  # drops the broken connection; the retry opens a new one
        retries = self.request.retries
        countdown = min(self.db_retry_backoff * 2**retries, self.db_retry_backoff_max)
        logger.warning(
            "Task %s lost its database connection (%s); retry %d in %s s.",
            self.name,
            error.__class__.__name__,
            retries + 1,
            countdown,
        )
        return self.retry(exc=error, countdown=countdown, max_retries=self.db_retry_max)
