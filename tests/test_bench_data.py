"""The annotated evaluation texts of bench/extraction_eval/ stay well-formed: the benchmark's figures mean nothing
if a surface is missing from its text, two annotations overlap or a field is outside the extractor's vocabulary."""

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from claims.extraction import ATTRIBUTION_KINDS, KINDS, QUALIFIERS, UNITS

DATA = Path(__file__).resolve().parent.parent / "bench" / "extraction_eval"
FILES = sorted(DATA.glob("*.json"))


def test_the_evaluation_set_is_as_large_as_the_issue_asks():
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in FILES]
    assert len(docs) >= 12
    assert sum(len(d["mentions"]) for d in docs) >= 150
    assert sum(len(d["non_claims"]) for d in docs) >= 40


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_annotations_are_well_formed(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    text = (DATA / doc["text_file"]).read_text(encoding="utf-8")
    assert doc["id"] == path.stem and re.fullmatch(r"dev|holdout|blind\d*", doc["split"]), doc["split"]
    spans = []
    for item in doc["mentions"] + doc["non_claims"]:
        pattern = re.compile(r"(?<![0-9A-Za-z])" + re.escape(item["surface"]) + r"(?![0-9A-Za-z])")
        hits = list(pattern.finditer(text))
        assert len(hits) >= item.get("occurrence", 1), f"{item['surface']!r} not found"
        hit = hits[item.get("occurrence", 1) - 1]
        spans.append((hit.start(), hit.end(), item["surface"]))
    spans.sort()
    for (a0, a1, a), (b0, _, b) in zip(spans, spans[1:]):
        assert b0 >= a1, f"{a!r} and {b!r} overlap"
    for m in doc["mentions"]:
        try:
            Decimal(m["value"])
        except InvalidOperation:
            pytest.fail(f"{m['surface']!r}: value {m['value']!r} is not a decimal")
        assert m["unit"] in UNITS and m["qualifier"] in QUALIFIERS and m["kind"] in KINDS, m["surface"]
        assert m["attribution_kind"] in ATTRIBUTION_KINDS, m["surface"]
        assert (m["speaker"] is None) == (m["attribution_kind"] == "own"), m["surface"]
    assert all(n.get("type") for n in doc["non_claims"])
