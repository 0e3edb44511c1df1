"""Import reference series and their observations: `import_series FILE [--format auto|csv|jsonl] [--json]`.

The series export's columns, one row per observation (a series without observations: one row with the
observation columns empty). Series are matched on their slug, observations on (series, period, vintage); a
different value for an existing release is refused (a revision is a newer vintage). Import series before claims.
"""

from claims import imports

from .import_claims import ImportCommand


class Command(ImportCommand):
    help = "Import reference series and observations (CSV or JSON Lines); upserts on natural keys, safe to run again."
    kind = "series"
    formats = imports.SERIES_FORMATS

    def run_import(self, content: bytes, **kwargs) -> imports.ImportReport:
        return imports.import_series(content, **kwargs)
