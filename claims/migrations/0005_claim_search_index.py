"""The GIN index behind claim search: PostgreSQL only.

SQLite has no tsvector type or GIN index; claims.search falls back to matching the columns there.
"""

from django.db import migrations

INDEX = "claims_claim_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Claims written before this migration get their documents from `manage.py reindex_claims`.
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_claim_search_vector")]

    operations = [migrations.RunPython(create_index, drop_index)]
