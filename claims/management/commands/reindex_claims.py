"""Rebuild every claim's full-text search document (PostgreSQL); safe to run at any time."""

from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from claims.models import Claim
from claims.search import claim_search_refresh

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of all claims (PostgreSQL only; SQLite searches columns)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("SQLite searches the claim columns directly; nothing to rebuild.")
            return
        ids = list(Claim.objects.order_by("pk").values_list("pk", flat=True))
        for start in tqdm(range(0, len(ids), BATCH), unit="batch", disable=None, file=self.stderr._out):
            claim_search_refresh(claim_ids=ids[start : start + BATCH])
        self.stdout.write(f"Rebuilt the search documents of {len(ids)} claims.")
