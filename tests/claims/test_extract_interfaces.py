"""The extractor's interfaces: POST /api/extract/ for editors and the extract_claims command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

ARTICLE = (
    "ICE plans to cut detention from 38,000 beds to 22,000, according to an internal proposal. "
    "The agency faces a $700 million budget deficit, two DHS officials said. "
    "The bill is H.R. 2 and section 1326 applies since Nov. 1, 2020."
)
FIELDS = {
    "value", "unit", "counted_noun", "qualifier", "kind", "as_of", "baseline_date", "due_date",
    "surface", "start", "end", "sentence", "speaker", "attribution_kind", "score",
}


def test_extract_api_answers_candidates_with_every_field_best_first(editor_api_client):
    response = editor_api_client.post("/api/extract/", {"text": ARTICLE, "published": "2024-02-14"}, format="json")
    assert response.status_code == 200
    candidates = response.json()["candidates"]
    assert FIELDS <= set(candidates[0])
    by_surface = {c["surface"]: c for c in candidates}
    assert by_surface["$700 million"]["value"] == "700000000" and by_surface["$700 million"]["unit"] == "USD"
    assert by_surface["$700 million"]["speaker"] == "two DHS officials"
    assert {by_surface["38,000"]["counted_noun"], by_surface["22,000"]["counted_noun"]} == {"beds"}
    assert all(ARTICLE[c["start"]:c["end"]] == c["surface"] for c in candidates)
    # no citation, bill number or date is proposed as a claimed quantity
    assert not {"2", "1326", "2020", "1"} & {c["surface"] for c in candidates}
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "x", "published": "2024-13-45"}, {"text": ["not", "text"]}]
)
def test_extract_api_refuses_bad_input_in_the_uniform_shape(editor_api_client, body):
    response = editor_api_client.post("/api/extract/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_extract_api_is_for_editors_only(api_client, non_editor_api_client):
    assert api_client.post("/api/extract/", {"text": ARTICLE}, format="json").status_code == 401
    assert non_editor_api_client.post("/api/extract/", {"text": ARTICLE}, format="json").status_code == 403


def test_extract_claims_prints_one_json_object_per_candidate(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = StringIO()
    call_command("extract_claims", str(article), "--published", "2024-02-14", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines and all(FIELDS <= set(line) for line in lines)
    assert {line["file"] for line in lines} == {str(article)}
    assert "700000000" in {line["value"] for line in lines}


def test_extract_claims_refuses_a_bad_date_and_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="not a date"):
        call_command("extract_claims", str(tmp_path / "a.txt"), "--published", "yesterday")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("extract_claims", str(tmp_path / "missing.txt"))
