"""The management commands and admin actions that run link checks, series refreshes and claim checks now:
`check_links`, `refresh_series`, `check_claims --enqueue`, and the admin actions "Check the links now" and
"Refresh now from the feed".

Documents and feeds come from the local server of test_link_checks.py (127.0.0.1 only, with its network guard).
"""

import io
import json

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command

from claims import tasks as claim_tasks
from sources.models import LinkStatus, Observation, ReferenceSeries, Source, SourceCheck
from tests import factories
from tests.sources.test_link_checks import (  # noqa: F401  (fixtures are used by name)
    METADATA_URL,
    _site,
    closed_port,
    fetch_settings,
    network_guard,
    site,
)

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def queued(monkeypatch):
    """Stands in for the broker: the claim ids handed to check_claim.delay."""
    calls = []
    monkeypatch.setattr(claim_tasks.check_claim, "delay", lambda claim_id: calls.append(claim_id))
    return calls


# --- check_links ---------------------------------------------------------------------------------------------------


@pytest.fixture
def sources(site, closed_port):
    return {
        "ok": factories.SourceFactory(url=site.url("/article")),
        "missing": factories.SourceFactory(url=site.url("/gone-404")),
        "broken": factories.SourceFactory(url=site.url("/broken")),
        "refused": factories.SourceFactory(url=METADATA_URL),
        "unreachable": factories.SourceFactory(url=f"http://127.0.0.1:{closed_port}/article"),
    }


def test_check_links_all_json_prints_one_line_per_source(sources, network_guard):
    out, _err = run("check_links", "--all", "--json")

    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == len(sources)
    by_source = {line["source"]: line for line in lines}
    assert [line["source"] for line in lines] == sorted(by_source), "in id order"
    expected = {
        "ok": ("ok", 200, "", False),
        "missing": ("missing", 404, "", False),
        "broken": ("error", 500, "http_500", False),
        "refused": ("error", None, "address_not_allowed", False),
        "unreachable": ("error", None, "connection_failed", False),  # transient: recorded, the run goes on
    }
    for name, source in sources.items():
        line = by_source[source.pk]
        assert line["url"] == source.url
        assert (line["status"], line["status_code"], line["error"], line["changed"]) == expected[name], name
        assert Source.objects.get(pk=source.pk).last_status == expected[name][0]
    assert SourceCheck.objects.count() == len(sources)
    assert not {address for address in network_guard.addresses() if address.startswith("169.254.")}


def test_check_links_by_id_prints_a_summary(sources):
    out, _err = run("check_links", str(sources["ok"].pk), str(sources["missing"].pk))

    assert out.strip() == "Checked 2 sources: 1 missing, 1 ok."
    assert SourceCheck.objects.count() == 2


def test_check_links_reports_a_change(site):
    site.serve("/live", b"<html><body><p>ICE holds 38,000 beds.</p></body></html>")
    source = factories.SourceFactory(url=site.url("/live"))
    run("check_links", str(source.pk))
    site.serve("/live", b"<html><body><p>ICE holds 41,500 beds.</p></body></html>")

    out, _err = run("check_links", str(source.pk), "--json")

    line = json.loads(out)
    assert (line["status"], line["changed"]) == ("changed", True)


def test_check_links_of_an_unknown_id_is_a_command_error(sources):
    with pytest.raises(CommandError, match="No source with id 99999"):
        run("check_links", "99999")

    with pytest.raises(CommandError, match="No source with id 99999"):
        run("check_links", str(sources["ok"].pk), "99999")

    assert not SourceCheck.objects.exists()


@pytest.mark.parametrize("args", [(), ("--all", "1")], ids=["nothing", "both"])
def test_check_links_needs_ids_or_all(site, args):
    with pytest.raises(CommandError, match="Give source ids or --all"):
        run("check_links", *args)


def test_check_links_enqueue_hands_the_sources_to_the_workers(sources, monkeypatch):
    from sources import tasks as source_tasks

    calls = []
    monkeypatch.setattr(source_tasks.check_source, "delay", lambda source_id: calls.append(source_id))

    out, _err = run("check_links", "--all", "--enqueue")

    assert out.strip() == f"Queued {len(sources)} link checks."
    assert calls == sorted(source.pk for source in sources.values())
    assert not SourceCheck.objects.exists()


# --- refresh_series -------------------------------------------------------------------------------------------------


def test_refresh_series_prints_what_it_added(site):
    series = factories.ReferenceSeriesFactory(slug="ice-beds", feed_url=site.url("/feed.csv"))

    out, _err = run("refresh_series", "ice-beds")

    assert out.splitlines() == ["ice-beds: 2 added, 0 unchanged, 0 refused"]
    assert Observation.objects.filter(series=series).count() == 2
    series.refresh_from_db()
    assert series.last_refreshed_at is not None

    out, _err = run("refresh_series", "ice-beds")

    assert out.splitlines() == ["ice-beds: 0 added, 2 unchanged, 0 refused"]


def test_refresh_series_prints_each_refused_row(site):
    factories.ReferenceSeriesFactory(slug="ice-beds", feed_url=site.url("/feed-bad-rows.csv"))

    out, _err = run("refresh_series", "ice-beds")

    lines = out.splitlines()
    assert lines[0] == "ice-beds: 2 added, 0 unchanged, 4 refused"
    assert [line.split(":")[0] for line in lines[1:]] == ["  row 2", "  row 3", "  row 4", "  row 5"]
    assert "period_end is missing" in lines[1]
    assert "not a date" in lines[4]


def test_refresh_series_all_skips_a_series_without_a_feed(site):
    factories.ReferenceSeriesFactory(slug="a-with-feed", feed_url=site.url("/feed.json"))
    without = factories.ReferenceSeriesFactory(slug="b-without-feed", feed_url="")
    factories.ReferenceSeriesFactory(slug="c-with-feed", feed_url=site.url("/feed.csv"))

    out, err = run("refresh_series", "--all")

    assert out.splitlines() == [
        "a-with-feed: 2 added, 0 unchanged, 0 refused",
        "c-with-feed: 2 added, 0 unchanged, 0 refused",
    ]
    assert "b-without-feed" not in out + err
    without.refresh_from_db()
    assert without.last_refreshed_at is None
    assert not without.observations.exists()


def test_refresh_series_all_goes_on_after_a_failing_feed(site):
    site.serve("/gone.csv", b"nope", status=404, content_type="text/plain")
    factories.ReferenceSeriesFactory(slug="a-gone", feed_url=site.url("/gone.csv"))
    factories.ReferenceSeriesFactory(slug="b-html", feed_url=site.url("/feed.html"))
    factories.ReferenceSeriesFactory(slug="c-good", feed_url=site.url("/feed.csv"))

    out, err = run("refresh_series", "--all")

    assert out.splitlines() == ["c-good: 2 added, 0 unchanged, 0 refused"]
    err_lines = err.splitlines()
    assert err_lines[0].startswith("a-gone: not refreshed: ") and "404" in err_lines[0]
    assert err_lines[1].startswith("b-html: not refreshed: ")


def test_refresh_series_fails_when_no_series_could_be_refreshed(site):
    factories.ReferenceSeriesFactory(slug="no-feed", feed_url="")

    with pytest.raises(CommandError, match="No series could be refreshed"):
        run("refresh_series", "no-feed")


def test_refresh_series_of_an_unknown_slug_is_a_command_error(site):
    with pytest.raises(CommandError, match="No series nope"):
        run("refresh_series", "nope")


def test_refresh_series_enqueue_hands_the_series_to_the_workers(site, monkeypatch):
    from sources import tasks as source_tasks

    calls = []
    monkeypatch.setattr(source_tasks.refresh_series, "delay", lambda slug: calls.append(slug))
    factories.ReferenceSeriesFactory(slug="a-with-feed", feed_url=site.url("/feed.csv"))
    factories.ReferenceSeriesFactory(slug="b-without-feed", feed_url="")

    out, _err = run("refresh_series", "--all", "--enqueue")

    assert calls == ["a-with-feed"]
    assert out.strip() == "Queued 1 refreshes."
    assert not Observation.objects.exists()


# --- check_claims --enqueue -----------------------------------------------------------------------------------------


def test_check_claims_all_enqueue_queues_the_numeric_claims_with_a_series(queued):
    series = factories.ReferenceSeriesFactory()
    numeric = [factories.ClaimFactory(series=series), factories.ClaimFactory(series=series)]
    factories.ClaimFactory()  # no series
    factories.ClaimFactory(series=series, value=None, unit=None, qualifier=None, kind=None, as_of=None)  # no figure

    out, _err = run("check_claims", "--all", "--enqueue")

    assert out.strip() == "Queued 2 checks."
    assert queued == [claim.pk for claim in numeric]


def test_check_claims_enqueue_with_the_broker_down_queues_nothing(monkeypatch):
    def unreachable(claim_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(claim_tasks.check_claim, "delay", unreachable)
    series = factories.ReferenceSeriesFactory()
    factories.ClaimFactory(series=series)

    out, _err = run("check_claims", "--all", "--enqueue")

    assert out.strip() == "Queued 0 checks."


# --- admin actions --------------------------------------------------------------------------------------------------


def admin_action(client, model: str, action: str, ids):
    response = client.post(
        f"/admin/sources/{model}/",
        {"action": action, "_selected_action": [str(pk) for pk in ids], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200, response.content[:500]
    return response, [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_admin_check_the_links_now(site, editor_client, closed_port, network_guard):
    ok = factories.SourceFactory(url=site.url("/article"))
    missing = factories.SourceFactory(url=site.url("/gone-410"))
    refused = factories.SourceFactory(url=METADATA_URL)
    unreachable = factories.SourceFactory(url=f"http://127.0.0.1:{closed_port}/")
    factories.SourceFactory(url=site.url("/article-text-changed"))  # not selected

    response, messages = admin_action(
        editor_client, "source", "check_links_now", [ok.pk, missing.pk, refused.pk, unreachable.pk]
    )

    assert messages == [("success", "Checked 4 links: 2 check failed, 1 gone (4xx), 1 reachable, unchanged.")]
    assert "Checked 4 links" in response.content.decode()
    assert SourceCheck.objects.count() == 4
    statuses = dict(Source.objects.values_list("pk", "last_status"))
    assert statuses[ok.pk] == LinkStatus.OK
    assert statuses[missing.pk] == LinkStatus.MISSING
    assert statuses[refused.pk] == LinkStatus.ERROR
    assert statuses[unreachable.pk] == LinkStatus.ERROR
    assert SourceCheck.objects.get(source=refused).error_code == "address_not_allowed"
    assert SourceCheck.objects.get(source=unreachable).error_code == "connection_failed"
    assert not {address for address in network_guard.addresses() if address.startswith("169.254.")}


def test_admin_refresh_now_from_the_feed(site, editor_client):
    good = factories.ReferenceSeriesFactory(name="A good feed", feed_url=site.url("/feed.csv"))
    bad_rows = factories.ReferenceSeriesFactory(name="B bad rows", feed_url=site.url("/feed-bad-rows.csv"))
    unreadable = factories.ReferenceSeriesFactory(name="C unreadable", feed_url=site.url("/feed.html"))
    no_feed = factories.ReferenceSeriesFactory(name="D no feed", feed_url="")

    response, messages = admin_action(
        editor_client, "referenceseries", "refresh_now", [good.pk, bad_rows.pk, unreadable.pk, no_feed.pk]
    )

    by_series = {text.split(":")[0]: (level, text) for level, text in messages}
    assert by_series["A good feed"] == ("success", "A good feed: 2 new observations, 0 unchanged.")
    level, text = by_series["B bad rows"]
    assert level == "warning"
    assert text.startswith("B bad rows: 2 new observations, 0 unchanged, 4 rows refused (row 2: period_end is missing;")
    assert by_series["C unreadable"][0] == "error"
    assert "not refreshed" in by_series["C unreadable"][1]
    assert by_series["D no feed"] == ("warning", "D no feed: no feed URL to refresh from.")
    assert "A good feed: 2 new observations" in response.content.decode()
    assert Observation.objects.filter(series=good).count() == 2
    assert Observation.objects.filter(series=bad_rows).count() == 2
    assert not Observation.objects.filter(series__in=[unreadable, no_feed]).exists()
    refreshed = dict(ReferenceSeries.objects.values_list("pk", "last_refreshed_at"))
    assert refreshed[good.pk] is not None and refreshed[bad_rows.pk] is not None
    assert refreshed[unreadable.pk] is None and refreshed[no_feed.pk] is None


def test_admin_actions_are_not_run_for_a_user_without_change_permission(site, client):
    from django.contrib.auth.models import Permission

    viewer = factories.UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_source", "view_referenceseries"])
    )
    client.force_login(viewer)
    source = factories.SourceFactory(url=site.url("/article"))
    series = factories.ReferenceSeriesFactory(feed_url=site.url("/feed.csv"))

    client.post("/admin/sources/source/", {"action": "check_links_now", "_selected_action": [source.pk]})
    client.post("/admin/sources/referenceseries/", {"action": "refresh_now", "_selected_action": [series.pk]})

    assert not SourceCheck.objects.exists()
    assert not Observation.objects.exists()
    assert site.hits["/article"] == 0 and site.hits["/feed.csv"] == 0
