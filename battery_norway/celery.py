import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "battery_norway.settings")

app = Celery("battery_norway")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
