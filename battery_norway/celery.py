import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "battery_norway.settings")

# Tasks work across organisations: every task runs with the tenancy scope disabled.
app = Celery("battery_norway", task_cls="portal.scoping:ScopesDisabledTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
