"""Beat closes the polls of written meetings whose voting window has ended, every minute."""

import json

from django.db import migrations

NAME = "Close the polls of written meetings whose window has ended"
TASK = "meetings.close_due_polls"


def create(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = crontab_model.objects.get_or_create(
        minute="*", hour="*", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/Oslo",
    )
    task_model.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": crontab, "kwargs": json.dumps({})}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
