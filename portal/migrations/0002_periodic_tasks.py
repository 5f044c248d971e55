"""The beat schedule as data, so staff adjust it in admin (Periodic tasks) without a deploy."""

import json

from django.db import migrations

SCHEDULE = [
    # name, task, crontab (minute, hour)
    ("Send queued e-mails that lost their task", "portal.dispatch_pending_emails", ("*", "*")),
    ("Remind organisations to report and confirm hours", "activities.send_hours_reminders",
     ("0", "8")),
]


def create(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour) in SCHEDULE:
        crontab, _ = crontab_model.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Europe/Oslo",
        )
        task_model.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "kwargs": json.dumps({})}
        )


def remove(apps, schema_editor):
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(name__in=[name for name, _task, _when in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
