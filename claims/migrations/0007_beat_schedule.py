"""The periodic jobs, as django-celery-beat rows so editors' admins can change them without a deploy.

Each entry has an `expires` shorter than its interval: a beat tick that waited in a queue through a broker
outage is dropped rather than piled on top of the next one (the next sweep finds the same work).
"""

import json

from django.db import migrations

# (name, task, every, unit, expires seconds)
SCHEDULE = [
    ("Sweep claims that are due for a check", "claims.tasks.sweep_due_claims", 15, "minutes", 14 * 60),
    ("Check source links", "sources.tasks.sweep_source_links", 1, "days", 23 * 3600),
    ("Refresh reference series that are due", "sources.tasks.sweep_due_series", 15, "minutes", 14 * 60),
]


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, unit, expires in SCHEDULE:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=unit)
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": interval,
                "expire_seconds": expires,
                "kwargs": json.dumps({}),
                "enabled": True,
            },
        )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_webhooks_and_check_lease"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
