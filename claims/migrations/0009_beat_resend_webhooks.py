"""A periodic job that sends again the webhook deliveries left pending (enqueue failed, or a worker died)."""

import json

from django.db import migrations

NAME = "Send pending webhook deliveries again"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "claims.tasks.resend_pending_webhooks",
            "interval": interval,
            "expire_seconds": 9 * 60,
            "kwargs": json.dumps({}),
            "enabled": True,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0008_editors_see_webhook_deliveries"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
