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

from celery import Task
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


class ScopesDisabledTask(Task):
    """Celery tasks work across organisations (runs, reminders, sending) and re-fetch by id."""

    def __call__(self, *args, **kwargs):
        with scopes_disabled():
            return super().__call__(*args, **kwargs)
