"""The Editors group: what a newsroom editor needs, and no more (editors are not superusers).

Append-only records (verdicts, check runs, link checks) are view-only here: they are written by the
services behind the "check", "publish" and "correct" actions, never edited by hand.
"""

from django.db import migrations

EDITOR_PERMISSIONS = {
    "sources.outlet": ["add", "change", "view"],
    "sources.source": ["add", "change", "view"],
    "sources.sourcecheck": ["view"],
    "sources.referenceseries": ["add", "change", "view"],
    "sources.observation": ["add", "change", "view"],
    "sources.historicaloutlet": ["view"],
    "sources.historicalsource": ["view"],
    "sources.historicalreferenceseries": ["view"],
    "sources.historicalobservation": ["view"],
    "claims.speaker": ["add", "change", "view"],
    "claims.topic": ["add", "change", "view", "delete"],
    "claims.claim": ["add", "change", "view"],
    "claims.appearance": ["add", "change", "view", "delete"],
    "claims.verdict": ["view"],
    "claims.verdictpolicy": ["view"],
    "claims.checkrun": ["view"],
    "claims.historicalspeaker": ["view"],
    "claims.historicalclaim": ["view"],
}


def create_editors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this migration needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    for label, actions in EDITOR_PERMISSIONS.items():
        app_label, model = label.split(".")
        for action in actions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
            )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0001_initial"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
