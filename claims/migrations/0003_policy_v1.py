"""Policy version 1 of DESIGN.md, frozen here as data: later code changes must not change what v1 meant."""

from django.db import migrations

POLICY_V1 = {
    "version": 1,
    "ratio_bands": {"exact": ["0.02", "0.10", "0.25", "0.50"], "approximate": ["0.10", "0.20", "0.35", "0.50"]},
    "point_bands": {"exact": ["1", "3", "6", "12"], "approximate": ["3", "6", "10", "15"]},
    "nearly_low": "0.9",
    "bound_low": "0.98",
    "bound_high": "1.02",
    "loose_factor": "2",
    "magnitude_factor": "10",
    "max_staleness_days": 400,
}


def create_policy_v1(apps, schema_editor):
    VerdictPolicy = apps.get_model("claims", "VerdictPolicy")
    if not VerdictPolicy.objects.filter(version=1).exists():
        VerdictPolicy.objects.create(
            version=1,
            parameters=POLICY_V1,
            is_active=not VerdictPolicy.objects.filter(is_active=True).exists(),
            note="Default policy of the design: bands, bounds, order of magnitude, 400-day staleness.",
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_editors_group")]

    operations = [migrations.RunPython(create_policy_v1, migrations.RunPython.noop)]
