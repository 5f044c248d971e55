"""Follow-up work recorded with the write that queued it, and the dispatcher that sends it."""

import json

import django.utils.timezone
from django.db import migrations, models

DISPATCH = "Send queued tasks the broker did not take"


def schedule_dispatch(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = crontab_model.objects.get_or_create(
        minute="*", hour="*", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/Oslo",
    )
    task_model.objects.get_or_create(
        name=DISPATCH,
        defaults={
            "task": "portal.dispatch_pending_tasks",
            "crontab": crontab,
            "kwargs": json.dumps({}),
        },
    )


def unschedule_dispatch(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=DISPATCH).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_outboundemail_about"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingTask",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("task", models.CharField(max_length=200, verbose_name="task")),
                ("kwargs", models.JSONField(default=dict, verbose_name="arguments")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
            ],
            options={
                "verbose_name": "pending task",
                "verbose_name_plural": "pending tasks",
                "indexes": [models.Index(fields=["created_at"], name="pending_task_created")],
            },
        ),
        migrations.RunPython(schedule_dispatch, unschedule_dispatch),
    ]
