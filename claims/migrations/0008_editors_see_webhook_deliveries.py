"""Editors may read the webhook delivery log; subscriptions (which hold shared secrets) stay with admins."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(Permission.objects.get(content_type__app_label="claims", codename="view_webhookdelivery"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editors").first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="claims", codename="view_webhookdelivery"))


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_beat_schedule")]

    operations = [migrations.RunPython(grant, revoke)]
