"""`manage.py check_claims`: checks claims now and, with --json, prints one JSON object per claim."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.models import CheckRun, Verdict
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args) -> list[dict]:
    out = StringIO()
    call_command("check_claims", *args, stdout=out, stderr=StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


@pytest.fixture
def series():
    series = factories.ReferenceSeriesFactory()
    factories.ObservationFactory(series=series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    return series


@pytest.fixture
def claim(series):
    return factories.ClaimFactory(series=series, value=Decimal("38000"))


def test_json_line_per_claim(claim):
    lines = run(str(claim.pk), "--json")

    assert len(lines) == 1
    line = lines[0]
    assert line["claim"] == claim.pk
    assert line["outcome"] == "changed"
    assert line["new_check"] is True
    run_row = CheckRun.objects.get(claim=claim)
    assert line["check_run"]["id"] == run_row.pk
    assert line["check_run"]["state"] == "done"
    verdict = Verdict.objects.get(claim=claim)
    assert line["computed_verdict"]["id"] == verdict.pk
    assert line["computed_verdict"]["rating"] == "accurate"
    assert line["computed_verdict"]["claimed_value"] == "38000"


def test_running_twice_is_not_a_new_check(claim):
    first = run(str(claim.pk), "--json")[0]
    second = run(str(claim.pk), "--json")[0]

    assert first["new_check"] is True
    assert second["new_check"] is False
    assert second["check_run"]["id"] == first["check_run"]["id"]
    assert second["computed_verdict"]["id"] == first["computed_verdict"]["id"]
    assert CheckRun.objects.filter(claim=claim).count() == 1
    assert Verdict.objects.filter(claim=claim).count() == 1


def test_several_ids_one_line_each_in_id_order(series):
    claims = [factories.ClaimFactory(series=series) for _ in range(3)]

    lines = run(*(str(c.pk) for c in reversed(claims)), "--json")

    assert [line["claim"] for line in lines] == [c.pk for c in claims]


def test_all_checks_every_numeric_claim_with_a_series(series):
    numeric = [factories.ClaimFactory(series=series), factories.ClaimFactory(series=series, value=Decimal("1"))]
    factories.ClaimFactory(series=None)
    factories.ClaimFactory(series=series, value=None, unit=None, qualifier=None, kind=None, counted_noun="")

    lines = run("--all", "--json")

    assert sorted(line["claim"] for line in lines) == sorted(c.pk for c in numeric)
    assert {line["outcome"] for line in lines} == {"changed"}
    assert set(CheckRun.objects.values_list("claim_id", flat=True)) == {c.pk for c in numeric}


def test_summary_without_json(claim):
    out = StringIO()
    call_command("check_claims", str(claim.pk), stdout=out, stderr=StringIO())

    assert out.getvalue().strip() == "Checked 1 claims: 1 changed."


def test_no_ids_and_no_all_is_an_error():
    with pytest.raises(CommandError):
        call_command("check_claims", stdout=StringIO(), stderr=StringIO())


def test_ids_and_all_together_is_an_error(claim):
    with pytest.raises(CommandError):
        call_command("check_claims", str(claim.pk), "--all", stdout=StringIO(), stderr=StringIO())
    assert CheckRun.objects.count() == 0


def test_unknown_id_is_an_error(claim):
    with pytest.raises(CommandError, match="999999"):
        call_command("check_claims", str(claim.pk), "999999", "--json", stdout=StringIO(), stderr=StringIO())
    assert CheckRun.objects.count() == 0


def test_a_failing_claim_does_not_stop_the_run(series, monkeypatch):
    from claims import services

    real = services.engine.evaluate
    bad = factories.ClaimFactory(series=series, value=Decimal("13"))
    good = factories.ClaimFactory(series=series)

    def evaluate(claim_data, *args, **kwargs):
        if claim_data.value == Decimal("13"):
            raise RuntimeError("engine exploded")
        return real(claim_data, *args, **kwargs)

    monkeypatch.setattr(services.engine, "evaluate", evaluate)

    lines = {line["claim"]: line for line in run("--all", "--json")}

    assert lines[bad.pk]["outcome"] == "error"
    assert "engine exploded" in lines[bad.pk]["error"]
    assert lines[good.pk]["outcome"] == "changed"
    assert CheckRun.objects.get(claim=bad).state == "failed"
