"""Load the demo data set (claims/demo_data.py): `python manage.py load_demo`.

Everything is upserted on natural keys inside one transaction, and a row is written only when something
differs from the data, so a second run adds no rows, changes no values and writes no history.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone

from claims import demo_data, services
from claims.models import Appearance, Claim, Speaker, Topic, Verdict
from sources.models import Observation, Outlet, ReferenceSeries, Source


def check_demo_claim(claim: Claim) -> bool:
    """Run the engine once on a demo claim linked to a series; later runs leave it alone (no field changes)."""
    if claim.value is None or claim.series_id is None or claim.last_checked_at is not None:
        return False
    services.claim_check(claim=claim)
    return True


def publish_demo_verdict(claim: Claim, rating: str, explanation: str, user) -> Verdict | None:
    """Publish the demo verdict on `claim`; do nothing (return None) when it already has a published one.

    A claim checked against a series gets the engine's verdict, published as an editor would; the others get the
    editor's own rating and explanation from the demo data.
    """
    claim.refresh_from_db()
    if claim.published_verdict_id is not None:
        return None
    if claim.computed_verdict_id is not None:
        return services.verdict_publish(claim=claim, user=user)
    return services.verdict_publish(claim=claim, user=user, rating=rating, explanation=explanation)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


def _date(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def _differs(obj: models.Model, name: str, wanted) -> bool:
    if isinstance(obj._meta.get_field(name), models.ForeignKey):
        return getattr(obj, f"{name}_id") != (wanted.pk if wanted is not None else None)
    return getattr(obj, name) != wanted


class _Loader:
    def __init__(self, tally: Tally):
        self.tally = tally

    def upsert(self, model, lookup: dict, values: dict, *, on_update=None) -> tuple[models.Model, str]:
        """Create the row, update the fields that differ, or leave it alone; returns (row, what happened)."""
        obj = model.objects.filter(**lookup).order_by("pk").first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.tally.created += 1
            return obj, "created"
        changed = [name for name, wanted in values.items() if _differs(obj, name, wanted)]
        if not changed:
            self.tally.unchanged += 1
            return obj, "unchanged"
        for name in changed:
            setattr(obj, name, values[name])
        extra = on_update(obj) if on_update else []
        obj.full_clean()
        obj.save(update_fields=changed + extra)
        self.tally.updated += 1
        return obj, "updated"

    def outlets(self) -> dict[str, Outlet]:
        return {
            row["name"]: self.upsert(Outlet, {"name": row["name"]}, {"domain": row["domain"], "kind": row["kind"]})[0]
            for row in demo_data.OUTLETS
        }

    def sources(self, outlets: dict[str, Outlet]) -> dict[str, Source]:
        result = {}
        for row in demo_data.SOURCES:
            values = {
                "title": row["title"],
                "outlet": outlets[row["outlet"]] if row["outlet"] else None,
                "published_on": _date(row["published_on"]),
                "kind": row["kind"],
            }
            result[row["url"]] = self.upsert(Source, {"url": row["url"]}, values)[0]
        return result

    def speakers(self) -> dict[str, Speaker]:
        result = {}
        for row in demo_data.SPEAKERS:
            values = {"role": row["role"], "organization": row["organization"], "same_as": row.get("same_as", "")}
            result[row["name"]] = self.upsert(Speaker, {"name": row["name"], "kind": row["kind"]}, values)[0]
        return result

    def topics(self) -> dict[str, Topic]:
        slugs = set(demo_data.TOPICS) | {slug for claim in demo_data.CLAIMS for slug in claim["topics"]}
        return {slug: self.upsert(Topic, {"slug": slug}, {})[0] for slug in sorted(slugs)}

    def series(self, outlets: dict[str, Outlet]) -> dict[str, ReferenceSeries]:
        result = {}
        for row in demo_data.SERIES:
            values = {
                "name": row["name"],
                "unit": row["unit"],
                "counted_noun": row["counted_noun"],
                "publisher": outlets[row["publisher"]],
                "description": row["description"],
                "illustrative": True,
                # Invented numbers must never be mixed with a real feed by the refresh job.
                "feed_url": "",
            }
            series, _ = self.upsert(ReferenceSeries, {"slug": row["slug"]}, values)
            result[row["slug"]] = series
            for obs in row["observations"]:
                self.observation(series, obs)
        return result

    def observation(self, series: ReferenceSeries, row: dict) -> None:
        key = {
            "series": series,
            "period_start": _date(row["period_start"]),
            "period_end": _date(row["period_end"]),
            "vintage": _date(row["vintage"]),
        }
        value = Decimal(row["value"])
        existing = Observation.objects.filter(**key).first()
        if existing is not None and existing.value != value:
            # A release is never rewritten: a changed figure belongs in a new row with a newer vintage.
            self.tally.conflicts.append(
                f"{series.slug} {row['period_start']}..{row['period_end']} release {row['vintage']}: "
                f"stored {existing.value}, demo data says {value}; left as stored"
            )
            return
        self.upsert(Observation, key, {"value": value, "note": demo_data.ILLUSTRATIVE_NOTE})

    def claims(self, speakers, sources, topics, series) -> dict[str, Claim]:
        result = {}
        for row in demo_data.CLAIMS:
            q = row["quantity"] or {}
            values = {
                "speaker": speakers[row["speaker"]] if row["speaker"] else None,
                "attribution_kind": row["attribution_kind"],
                "stated_on": _date(row["stated_on"]),
                "status": row["status"],
                "value": Decimal(q["value"]) if q else None,
                "unit": q.get("unit"),
                "counted_noun": q.get("counted_noun", ""),
                "qualifier": q.get("qualifier"),
                "kind": q.get("kind"),
                "as_of": _date(q.get("as_of")),
                "baseline_date": _date(q.get("baseline_date")),
                "due_date": _date(q.get("due_date")),
                "series": series[row["series"]] if row["series"] else None,
                "notes": row["notes"],
            }
            claim, outcome = self.upsert(Claim, {"text": row["text"]}, values, on_update=_bump_version)
            wanted_topics = {topics[slug].pk for slug in row["topics"]}
            if set(claim.topics.values_list("pk", flat=True)) != wanted_topics:
                claim.topics.set(wanted_topics)
                if outcome == "unchanged":  # the row itself was fine; its topics were not
                    self.tally.unchanged -= 1
                    self.tally.updated += 1
            self.appearances(claim, row["appearances"], sources)
            result[row["text"]] = claim
        return result

    def appearances(self, claim: Claim, rows: list[dict], sources: dict[str, Source]) -> None:
        # Non-first appearances first, so that moving the "first" flag never holds two firsts at once.
        for row in sorted(rows, key=lambda r: r["is_first"]):
            source = sources[row["source"]]
            if row["is_first"]:
                self.tally.updated += (
                    Appearance.objects.filter(claim=claim, is_first=True).exclude(source=source).update(is_first=False)
                )
            self.upsert(
                Appearance, {"claim": claim, "source": source}, {"excerpt": row["excerpt"], "is_first": row["is_first"]}
            )


def _bump_version(claim: Claim) -> list[str]:
    # Every edit raises the version (optimistic locking), so API clients holding the old one get a 409.
    claim.version += 1
    return ["version", "updated_at"]


class Command(BaseCommand):
    help = "Load the demo data set (US immigration enforcement 2021-2024); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--editor",
            default="editor",
            help="Username recorded as the maker of the demo's published verdicts, if that user exists.",
        )

    def handle(self, *args, **options):
        tally = Tally()
        verdicts_created = verdicts_unchanged = 0
        user = get_user_model().objects.filter(username=options["editor"]).first()
        with transaction.atomic():
            loader = _Loader(tally)
            outlets = loader.outlets()
            sources = loader.sources(outlets)
            speakers = loader.speakers()
            topics = loader.topics()
            series = loader.series(outlets)
            claims = loader.claims(speakers, sources, topics, series)
            checked = sum(check_demo_claim(claim) for claim in claims.values())
            for row in demo_data.VERDICTS:
                if publish_demo_verdict(claims[row["claim"]], row["rating"], row["explanation"], user) is None:
                    verdicts_unchanged += 1
                else:
                    verdicts_created += 1

        for conflict in tally.conflicts:
            self.stderr.write(f"Observation not overwritten: {conflict}")
        numeric = sum(1 for c in demo_data.CLAIMS if c["quantity"])
        observations = sum(len(s["observations"]) for s in demo_data.SERIES)
        self.stdout.write(
            f"Demo data: {len(demo_data.OUTLETS)} outlets, {len(demo_data.SOURCES)} sources, "
            f"{len(demo_data.SPEAKERS)} speakers, {len(demo_data.CLAIMS)} claims ({numeric} with figures), "
            f"{len(demo_data.SERIES)} series, {observations} observations, "
            f"{len(demo_data.VERDICTS)} published verdicts (created {verdicts_created}, unchanged {verdicts_unchanged}), "
            f"{checked} claims checked by the engine"
        )
        self.stdout.write(
            f"Rows: created {tally.created + verdicts_created}, updated {tally.updated}, "
            f"unchanged {tally.unchanged + verdicts_unchanged}"
        )
