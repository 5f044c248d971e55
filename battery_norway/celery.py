import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "battery_norway.settings")

# Tasks work across organisations: every task runs with the tenancy scope disabled.
app = Celery("battery_norway", task_cls="portal.scoping:ScopesDisabledTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def dispatch_pending_tasks_at_start(sender=None, **kwargs) -> None:
    """Work the broker refused while this worker was away is sent as soon as the worker is up."""
    app.send_task("portal.dispatch_pending_tasks")
