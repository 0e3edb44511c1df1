"""Imports of claims and series: round trips of the exports, idempotence, broken rows, ClaimReview, commands, admin."""

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims import imports, services
from claims.models import Appearance, CheckRun, Claim, Rating, Speaker, Topic, Verdict
from sources.models import Observation, Outlet, ReferenceSeries, Source
from tests import factories
from tests.claims.test_exports import build_newsroom, read_csv

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def wipe() -> None:
    """Delete every claim, verdict, speaker, topic, source, outlet, series and observation, in dependency order."""
    Claim.objects.update(published_verdict=None, computed_verdict=None)
    Verdict.objects.update(supersedes=None)
    Verdict.objects.all().delete()
    CheckRun.objects.all().delete()
    Appearance.objects.all().delete()
    Claim.objects.all().delete()
    Speaker.objects.all().delete()
    Topic.objects.all().delete()
    Observation.objects.all().delete()
    ReferenceSeries.objects.all().delete()
    Source.objects.all().delete()
    Outlet.objects.all().delete()


def claim_key(claim: Claim) -> tuple:
    return (claim.text, claim.speaker.name if claim.speaker_id else None, claim.stated_on)


def observation_key(observation) -> tuple | None:
    if observation is None:
        return None
    return (observation.series.slug, observation.period_start, observation.period_end, observation.vintage)


def snapshot() -> dict:
    """Everything an export carries, keyed by natural keys (never by ids, which a round trip does not keep)."""
    series = {
        s.slug: (s.name, s.unit, s.counted_noun, s.publisher.name if s.publisher_id else None, s.illustrative)
        for s in ReferenceSeries.objects.select_related("publisher")
    }
    observations = sorted(
        (o.series.slug, o.period_start, o.period_end, o.vintage, o.value, o.note)
        for o in Observation.objects.select_related("series")
    )
    claims, verdicts = {}, {}
    for claim in Claim.objects.select_related("speaker", "series", "published_verdict__observation__series"):
        appearances = list(claim.appearances.select_related("source__outlet").order_by("-is_first", "id"))
        first = appearances[0].source if appearances else None
        speaker = claim.speaker
        claims[claim_key(claim)] = {
            "speaker": (speaker.kind, speaker.role, speaker.same_as) if speaker else None,
            "attribution_kind": claim.attribution_kind,
            "topics": sorted(claim.topics.values_list("slug", flat=True)),
            "status": claim.status,
            "quantity": tuple(getattr(claim, f) for f in services.QUANTITY_FIELDS),
            "series": claim.series.slug if claim.series_id else None,
            "first_source": (first.url, first.title, first.outlet.name if first.outlet_id else None, first.published_on)
            if first
            else None,
            "excerpt": appearances[0].excerpt if appearances else None,
            "other_sources": [a.source.url for a in appearances[1:]],
        }
        v = claim.published_verdict
        if v is not None:
            verdicts[claim_key(claim)] = {
                "rating": v.rating,
                "rating_value": v.rating_value,
                "explanation": v.explanation,
                "made_by": v.made_by,
                "published_at": v.published_at,
                "claimed_value": v.claimed_value,
                "reference_value": v.reference_value,
                "deviation": v.deviation,
                "deviation_unit": v.deviation_unit,
                "rule": v.rule,
                "policy_version": v.policy_version,
                "observation": observation_key(v.observation),
            }
    return {"series": series, "observations": observations, "claims": claims, "verdicts": verdicts}


def export_rows(client, fmt: str = "csv") -> list[dict]:
    """The editor's claim export, without the columns a round trip cannot keep (ids and the page URL)."""
    response = client.get(f"/api/claims/?format={fmt}")
    if fmt == "csv":
        rows = read_csv(response)
    else:
        rows = [json.loads(line) for line in body(response).decode().splitlines()]
    for row in rows:
        row.pop("id"), row.pop("claim_url")
    return sorted(rows, key=lambda r: (r["text"], r["speaker"] or "", r["stated_on"] or ""))


def assert_report(report, **expected_counts):
    counts = {action: n for action, n in report.counts.items() if n}
    assert counts == expected_counts, [r.as_dict() for r in report.rows if r.action == "refused"]


@pytest.fixture
def newsroom(editor):
    return build_newsroom(editor)


# --- round trips -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_round_trip_into_an_empty_database(editor_api_client, editor, newsroom, fmt):
    before = snapshot()
    rows_before = export_rows(editor_api_client, fmt)
    series_file = body(editor_api_client.get(f"/api/series/?format={fmt}"))
    claims_file = body(editor_api_client.get(f"/api/claims/?format={fmt}"))
    # The engine and the editor did make different kinds of verdicts, and one is a correction.
    assert {v["made_by"] for v in before["verdicts"].values()} == {"engine", "editor"}
    assert Verdict.objects.filter(supersedes__isnull=False).exists()

    wipe()
    assert not Claim.objects.exists() and not ReferenceSeries.objects.exists()
    series_report = imports.import_series(series_file, fmt=fmt)
    claims_report = imports.import_claims(claims_file, fmt=fmt, user=editor)

    assert_report(series_report, created=len(before["observations"]) + 1)  # + the series without observations
    assert_report(claims_report, created=len(newsroom))
    after = snapshot()
    assert after["series"] == before["series"]
    assert after["observations"] == before["observations"]
    assert after["claims"] == before["claims"]
    assert after["verdicts"] == before["verdicts"]
    assert export_rows(editor_api_client, fmt) == rows_before


def test_importing_twice_duplicates_nothing(editor_api_client, editor, newsroom):
    series_file = body(editor_api_client.get("/api/series/?format=csv"))
    claims_file = body(editor_api_client.get("/api/claims/?format=csv"))
    wipe()
    imports.import_series(series_file)
    imports.import_claims(claims_file, user=editor)

    def state():
        models = (Claim, Verdict, Speaker, Topic, Source, Outlet, ReferenceSeries, Observation, Appearance)
        return (
            {model.__name__: model.objects.count() for model in models},
            dict(Claim.objects.values_list("pk", "version")),
            Claim.history.count(),
            snapshot(),
        )

    first = state()
    series_again = imports.import_series(series_file)
    claims_again = imports.import_claims(claims_file, user=editor)

    assert_report(series_again, unchanged=len(series_again.rows))
    assert_report(claims_again, unchanged=len(newsroom))
    assert state() == first


def test_importing_the_export_over_its_own_database_changes_nothing(editor_api_client, editor, newsroom):
    versions = dict(Claim.objects.values_list("pk", "version"))
    verdicts = Verdict.objects.count()

    series_report = imports.import_series(body(editor_api_client.get("/api/series/?format=jsonl")), fmt="jsonl")
    claims_report = imports.import_claims(body(editor_api_client.get("/api/claims/?format=jsonl")), user=editor)

    assert_report(series_report, unchanged=len(series_report.rows))
    assert_report(claims_report, unchanged=len(newsroom))
    assert dict(Claim.objects.values_list("pk", "version")) == versions
    assert Verdict.objects.count() == verdicts


# --- sample files and broken rows ------------------------------------------------------------------------------


def test_sample_files_import(editor):
    series = imports.import_series((FIXTURES / "series.csv").read_bytes(), filename="series.csv")
    claims = imports.import_claims((FIXTURES / "claims.csv").read_bytes(), filename="claims.csv", user=editor)
    lines = imports.import_claims((FIXTURES / "claims.jsonl").read_bytes(), filename="claims.jsonl", user=editor)

    assert_report(series, created=4)
    assert_report(claims, created=3)
    assert_report(lines, created=2)
    backlog = Claim.objects.get(text="Up to 2 million cases are backlogged")
    assert backlog.status == "published"
    assert (backlog.value, backlog.unit, backlog.qualifier) == (Decimal("2000000"), "count", "at_most")
    assert [a.source.url for a in backlog.appearances.order_by("-is_first", "id")] == [
        "https://news.example/courts/1",
        "https://wire.example/courts/2",
        "https://radio.example/courts/3",
    ]
    verdict = backlog.published_verdict
    assert (verdict.rating, verdict.made_by, verdict.published_by) == (Rating.ACCURATE, "editor", editor)
    assert verdict.observation.vintage == datetime.date(2024, 5, 15)
    assert verdict.published_at == datetime.datetime(2024, 5, 20, 9, 15, tzinfo=datetime.UTC)
    anonymous = Claim.objects.get(text="The backlog is the worst in history")
    assert (anonymous.speaker.kind, anonymous.status, anonymous.published_verdict) == ("anonymous", "in_review", None)
    assert Speaker.objects.filter(name="two court officials").count() == 1
    change = Claim.objects.get(text="Border crossings fell 40 percent")
    assert (change.kind, change.value, change.baseline_date) == ("change", Decimal("-40"), datetime.date(2023, 5, 31))
    own = Claim.objects.get(text="Our reporting found 12 new facilities")
    assert (own.speaker, own.attribution_kind, own.status) == (None, "own", "published")


def test_broken_claim_rows_import_the_good_rows_and_report_each_broken_one(editor):
    report = imports.import_claims((FIXTURES / "broken_claims.csv").read_bytes(), filename="broken.csv", user=editor)

    by_row = {row.row: row for row in report.rows}
    assert [(row.row, row.action) for row in report.rows] == [
        (1, "created"),
        (2, "refused"),
        (3, "refused"),
        (4, "refused"),
        (5, "refused"),
        (6, "refused"),
        (7, "created"),
        (8, "refused"),
    ]
    assert by_row[2].reason == "value: This field is required."
    assert "unit" in by_row[3].reason and "furlongs" in by_row[3].reason
    assert by_row[4].reason.startswith("stated_on: Date has wrong format")
    assert "verdict_rating" in by_row[5].reason and "pants-on-fire" in by_row[5].reason
    assert "not on the rating scale" in by_row[5].reason
    assert by_row[6].reason == "duplicate of row 1 (same text, speaker and stated_on)"
    assert "no-such-series" in by_row[8].reason and "import the series first" in by_row[8].reason
    assert all(row.key for row in report.refused)

    assert set(Claim.objects.values_list("text", flat=True)) == {"ICE detains 38,000 people", "Funding was never cut"}
    funding = Claim.objects.get(text="Funding was never cut")
    assert (funding.status, funding.published_verdict.rating) == ("published", Rating.INACCURATE)
    # Nothing of the refused rows was written: not their speakers, not their claims.
    assert not Speaker.objects.filter(name="Border Agency", claims__text__startswith="Crossings").exists()


def test_broken_series_rows(editor):
    report = imports.import_series((FIXTURES / "broken_series.csv").read_bytes(), filename="broken_series.csv")

    assert [(row.row, row.action) for row in report.rows] == [
        (1, "created"),
        (2, "refused"),
        (3, "refused"),
        (4, "refused"),
        (5, "refused"),
        (6, "refused"),
        (7, "created"),
    ]
    reasons = {row.row: row.reason for row in report.rows}
    assert reasons[2] == "value: required for an observation"
    assert "furlongs" in reasons[3]
    assert reasons[4].startswith("period_end: Date has wrong format")
    assert reasons[5] == "duplicate of row 1 (same series, period and vintage)"
    assert "already gives 38000" in reasons[6]
    assert sorted(Observation.objects.values_list("value", flat=True)) == [Decimal("38000"), Decimal("38200")]
    assert not ReferenceSeries.objects.filter(slug="furlongs").exists()


def test_a_row_failing_late_writes_nothing(editor):
    """The verdict names an observation that is not there: the speaker, sources and claim are rolled back too."""
    factories.ReferenceSeriesFactory(slug="beds")
    content = (
        "text,speaker,speaker_kind,stated_on,series,first_source_url,verdict_rating,verdict_explanation,"
        "verdict_observation_period_end,verdict_observation_vintage\n"
        "Beds claim,New Person,person,2024-01-01,beds,https://new.example/x,accurate,Fine.,2024-01-31,2024-02-01\n"
    )

    report = imports.import_claims(content, fmt="csv", user=editor)

    assert report.rows[0].action == "refused"
    assert "has no observation 2024-01-31..2024-01-31 (release 2024-02-01)" in report.rows[0].reason
    assert not Claim.objects.exists()
    assert not Speaker.objects.filter(name="New Person").exists()
    assert not Source.objects.filter(url="https://new.example/x").exists()


def test_a_changed_row_updates_the_claim_once_and_leaves_missing_columns_alone(editor):
    claim = services.claim_create(
        text="A figure",
        speaker=factories.SpeakerFactory(name="Jo"),
        stated_on=datetime.date(2024, 1, 1),
        topics=["old"],
        quantity={"value": Decimal("10"), "unit": "count"},
        notes="Editor's note",
    )
    content = "text,speaker,speaker_kind,stated_on,topics\nA figure,Jo,person,2024-01-01,new;other\n"

    report = imports.import_claims(content, fmt="csv", user=editor)

    assert report.rows[0].action == "updated"
    claim.refresh_from_db()
    assert claim.version == 2
    assert sorted(claim.topics.values_list("slug", flat=True)) == ["new", "other"]
    assert (claim.value, claim.unit, claim.notes) == (Decimal("10"), "count", "Editor's note")  # no value column
    assert imports.import_claims(content, fmt="csv").rows[0].action == "unchanged"


def test_a_newer_imported_verdict_is_a_correction_and_an_older_one_is_refused(editor):
    claim = services.claim_create(text="No figure here", stated_on=datetime.date(2024, 1, 1))
    services.verdict_publish(
        claim=claim, rating="accurate", explanation="First.", now=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC)
    )
    header = "text,speaker,stated_on,status,verdict_rating,verdict_explanation,verdict_published_at\n"

    row = "No figure here,,2024-01-01,published,{},{},{}\n"
    newer = imports.import_claims(header + row.format("inaccurate", "Second.", "2024-03-01T00:00:00Z"))
    older = imports.import_claims(header + row.format("half-accurate", "Zero.", "2024-01-15T00:00:00Z"))

    assert newer.rows[0].action == "updated"
    claim.refresh_from_db()
    assert claim.published_verdict.rating == "inaccurate"
    assert claim.published_verdict.supersedes.explanation == "First."
    assert claim.published_verdict.note.startswith("Imported")
    assert older.rows[0].action == "refused"
    assert "newer than the imported one" in older.rows[0].reason


def test_published_without_a_verdict_is_refused_for_a_new_claim(editor):
    report = imports.import_claims("text,status\nA new claim,published\n", fmt="csv")

    assert report.rows[0].action == "refused"
    assert "publishing a verdict" in report.rows[0].reason


def test_a_file_without_the_text_column_is_refused_as_a_whole():
    with pytest.raises(imports.ImportFileError, match="no 'text' column"):
        imports.import_claims("speaker,stated_on\nJo,2024-01-01\n", fmt="csv")


# --- ClaimReview JSON-LD -----------------------------------------------------------------------------------------


def test_our_own_claimreview_feed_imports_into_an_empty_database(api_client, editor, newsroom):
    feed = api_client.get("/api/claimreview/?page_size=100").content
    published = {
        c.pk: (c.published_verdict.rating, c.published_verdict.explanation, c.published_verdict.published_at.date())
        for c in Claim.objects.filter(status="published").select_related("published_verdict")
    }
    speakers = {c.pk: (c.speaker.name, c.speaker.kind) if c.speaker else None for c in newsroom.values()}

    wipe()
    report = imports.import_claims(feed, user=editor)

    assert_report(report, created=len(published))
    imported = Claim.objects.select_related("published_verdict", "speaker")
    assert sorted(
        (c.published_verdict.rating, c.published_verdict.explanation, c.published_verdict.published_at.date())
        for c in imported
    ) == sorted(published.values())
    assert all(c.status == "published" and c.published_verdict.made_by == "editor" for c in imported)
    assert {(s.name, s.kind) for s in Speaker.objects.all()} == {
        speakers[pk] for pk in published if speakers[pk] is not None
    }
    own = imported.get(speaker__isnull=True)
    assert own.attribution_kind == "own"
    assert own.value is None  # ClaimReview carries no figure
    assert imports.import_claims(feed).counts["unchanged"] == len(published)


def test_our_own_feed_over_the_same_database_changes_nothing(api_client, newsroom):
    """Short claims keep their text in claimReviewed, so they match; ClaimReview dates are days, and match the
    verdicts published that day."""
    feed = api_client.get("/api/claimreview/?page_size=100").content
    versions = dict(Claim.objects.values_list("pk", "version"))
    counts = (Claim.objects.count(), Verdict.objects.count(), Speaker.objects.count(), Source.objects.count())

    report = imports.import_claims(feed)

    assert_report(report, unchanged=4)
    assert dict(Claim.objects.values_list("pk", "version")) == versions
    assert (Claim.objects.count(), Verdict.objects.count(), Speaker.objects.count(), Source.objects.count()) == counts
    # The excerpts ClaimReview does not carry are kept.
    assert newsroom["level"].appearances.get(is_first=True).excerpt.startswith("cutting detention")


def test_a_claimreview_feed_with_a_rating_off_our_scale(editor):
    report = imports.import_claims((FIXTURES / "claimreview_feed.json").read_bytes(), filename="feed.json", user=editor)

    assert [(row.row, row.action) for row in report.rows] == [(1, "created"), (2, "refused"), (3, "created")]
    assert "not on the scale" in report.rows[1].reason and "'False'" in report.rows[1].reason
    assert report.rows[1].key == "'Border arrests are at a record high' / Pat Senator / 2024-03-04"
    senator = Claim.objects.get(text="ICE is funded for 41,500 detention beds")
    assert (senator.speaker.name, senator.speaker.kind, senator.speaker.role) == ("Pat Senator", "person", "Senator")
    assert senator.stated_on == datetime.date(2024, 3, 1)
    assert [(a.source.url, a.source.outlet.name) for a in senator.appearances.order_by("-is_first", "id")] == [
        ("https://paper.example/beds", "The Paper"),
        ("https://tv.example/beds-segment", "TV Station"),
    ]
    assert senator.published_verdict.rating == Rating.MOSTLY_ACCURATE
    assert senator.published_verdict.published_at == datetime.datetime(2024, 3, 5, tzinfo=datetime.UTC)
    anonymous = Claim.objects.get(text="Most detainees have no criminal record")
    assert (anonymous.speaker.name, anonymous.speaker.kind) == ("three ICE officers", "anonymous")
    assert anonymous.attribution_kind == "anonymous"
    assert (anonymous.published_verdict.rating, anonymous.published_verdict.rating_value) == ("unverifiable", None)


def test_an_html_page_with_embedded_claimreview_imports(editor):
    report = imports.import_claims((FIXTURES / "claimreview_page.html").read_bytes(), filename="page.html", user=editor)

    assert_report(report, created=1)
    claim = Claim.objects.get()
    assert claim.text == "Immigration courts have 3 million pending cases"
    assert (claim.speaker.name, claim.speaker.kind) == ("Court Watch", "organization")
    assert claim.published_verdict.rating == Rating.HALF_ACCURATE
    assert "<plus>" in claim.published_verdict.explanation
    assert claim.appearances.get().source.url == "https://radio.example/interview"


def test_our_public_claim_page_imports(client, editor, newsroom):
    page = client.get(f"/claims/{newsroom['level'].pk}/").content
    original = newsroom["level"].published_verdict

    wipe()
    report = imports.import_claims(page, user=editor)

    assert_report(report, created=1)
    claim = Claim.objects.get()
    assert (claim.speaker.name, claim.speaker.role) == ("Jane Roe", "DHS Secretary")
    assert claim.published_verdict.rating == original.rating
    assert claim.published_verdict.explanation == original.explanation
    assert claim.appearances.count() == 3


# --- the commands ---------------------------------------------------------------------------------------------


def run_command(name, *args):
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_commands_print_a_summary_and_each_refused_row(editor):
    out, _err = run_command("import_series", str(FIXTURES / "series.csv"))
    assert "4 rows of series (csv): 4 created, 0 updated, 0 unchanged, 0 refused." in out

    out, _err = run_command("import_claims", str(FIXTURES / "broken_claims.csv"), "--user", "editor")
    assert "8 rows of claims (csv): 2 created, 0 updated, 0 unchanged, 6 refused." in out
    refused = "row 2 refused: 'The deficit is in the billions' / Jane Roe / 2024-02-15: value: This field is required."
    assert refused in out
    assert "row 6 refused" in out and "duplicate of row 1" in out
    assert Claim.objects.get(text="Funding was never cut").published_verdict.published_by == editor


def test_import_claims_json_lines_output():
    out, err = run_command("import_claims", str(FIXTURES / "broken_claims.csv"), "--json")

    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["row"] for line in lines] == list(range(1, 9))
    assert {tuple(sorted(line)) for line in lines} == {("action", "detail", "id", "key", "reason", "row")}
    assert lines[1]["action"] == "refused" and lines[1]["reason"] == "value: This field is required."
    assert "2 created" in err  # the summary goes to stderr, keeping stdout one object per line


def test_import_command_exits_1_when_every_row_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,unit\nA claim,furlongs\n")

    with pytest.raises(CommandError) as raised:
        run_command("import_claims", str(path))
    assert raised.value.returncode == 1


def test_import_command_refuses_an_unreadable_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe not utf-8")

    with pytest.raises(CommandError, match="not UTF-8"):
        run_command("import_claims", str(path))


# --- the admin upload ------------------------------------------------------------------------------------------


def import_url():
    return reverse("admin:claims_claim_import")


def test_admin_import_page_answers_editor(editor_client):
    response = editor_client.get(import_url())

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def test_admin_upload_shows_the_report(editor_client, editor):
    upload = SimpleUploadedFile("broken.csv", (FIXTURES / "broken_claims.csv").read_bytes(), content_type="text/csv")
    response = editor_client.post(import_url(), {"what": "claims", "format": "auto", "file": upload})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "refused": 6}
    html = response.content.decode()
    assert 'id="import-report"' in html
    assert html.count('class="import-row-refused"') == 6
    assert "duplicate of row 1" in html
    assert Claim.objects.get(text="Funding was never cut").created_by == editor


def test_admin_upload_of_series(editor_client):
    upload = SimpleUploadedFile("series.csv", (FIXTURES / "series.csv").read_bytes(), content_type="text/csv")
    response = editor_client.post(import_url(), {"what": "series", "format": "csv", "file": upload})

    assert response.status_code == 200
    assert response.context["report"].counts["created"] == 4
    assert ReferenceSeries.objects.filter(slug="eoir-pending").exists()


def test_admin_upload_of_an_unreadable_file_is_a_form_error(editor_client):
    upload = SimpleUploadedFile("x.csv", b"speaker\nJo\n", content_type="text/csv")
    response = editor_client.post(import_url(), {"what": "claims", "format": "csv", "file": upload})

    assert response.status_code == 200
    assert response.context["report"] is None
    assert "no &#x27;text&#x27; column" in response.content.decode()


def test_admin_import_needs_the_add_claim_permission(client):
    staff = factories.UserFactory(username="staff-only", is_staff=True)
    client.force_login(staff)

    assert client.get(import_url()).status_code == 403
