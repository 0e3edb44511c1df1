"""Check claims against their reference series now: `check_claims [IDS...] [--all] [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import services
from claims.api.serializers import CheckRunSerializer, VerdictSerializer
from claims.models import Claim


class Command(BaseCommand):
    help = "Run the verdict engine on the given claims (or --all numeric claims linked to a series)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Claim ids to check.")
        parser.add_argument("--all", dest="check_all", action="store_true", help="Check every numeric claim that has a series.")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Print one JSON line per claim.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the claims to the Celery workers instead of checking here."
        )

    def handle(self, *args, ids, check_all, as_json, enqueue, **options):
        if bool(ids) == check_all:
            raise CommandError("Give claim ids or --all (not both).")
        if check_all:
            claims = Claim.objects.filter(value__isnull=False, series__isnull=False).order_by("id")
        else:
            claims = Claim.objects.filter(pk__in=ids).order_by("id")
            missing = sorted(set(ids) - set(claims.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"No claim with id {', '.join(map(str, missing))}.")
        if enqueue:
            queued = sum(
                services.claim_check_enqueue(claim_id)
                for claim_id in tqdm(claims.values_list("pk", flat=True), unit="claim", disable=None, file=self.stderr._out)
            )
            self.stdout.write(f"Queued {queued} checks.")
            return
        counts: dict[str, int] = {}
        # The bar goes to stderr so that --json output on stdout stays one object per line.
        bar = tqdm(claims.iterator(), total=claims.count(), unit="claim", disable=None, file=self.stderr._out)
        for claim in bar:
            line = self._check(claim)
            counts[line["outcome"]] = counts.get(line["outcome"], 0) + 1
            if as_json:
                self.stdout.write(json.dumps(line, default=str, sort_keys=True))
        if not as_json:
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "nothing to check"
            self.stdout.write(f"Checked {sum(counts.values())} claims: {summary}.")

    def _check(self, claim: Claim) -> dict:
        try:
            result = services.claim_check(claim=claim)
        except Exception as exc:  # one bad claim must not stop a bulk run; the failure is on its CheckRun
            return {"claim": claim.pk, "outcome": "error", "error": f"{type(exc).__name__}: {exc}"}
        return {
            "claim": claim.pk,
            "outcome": result.check_run.outcome,
            "new_check": result.created,
            "check_run": CheckRunSerializer(result.check_run).data,
            "computed_verdict": VerdictSerializer(result.computed_verdict).data if result.computed_verdict else None,
        }

