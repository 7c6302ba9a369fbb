"""Competency questions per region (tests/competency/<slug>.toml), run on the built graph.

Each question is SPARQL with the answer its source text gives.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from graph.queries import Prepared, execute

HERE = Path(__file__).parent / "competency"


def _questions():
    for path in sorted(HERE.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for q in data.get("q", []):
            yield pytest.param(path.stem, q, id=f"{path.stem}:{q['id']}")


def _value(term) -> str:
    return term.value


@pytest.mark.parametrize("slug,q", list(_questions()))
def test_competency(store, slug, q):
    result = execute(store, Prepared(q["sparql"], f"{slug}:{q['id']}", {}))
    if "expect_ask" in q:
        assert bool(result) is q["expect_ask"], q["question"]
        return
    first = result.variables[0].value
    got = {_value(row[first]) for row in result if row[first] is not None}
    if "expect" in q:
        assert got == set(map(str, q["expect"])), q["question"]
    else:
        missing = set(map(str, q["expect_contains"])) - got
        assert not missing, f"{q['question']}: missing {missing}"


def test_enough_questions_per_region():
    """Audit regions have at least 10 questions, every other region at least 5."""
    audit = {"jamtland-harjedalen", "jonkopings-lan", "kronoberg", "dalarna"}
    counts = {p.stem: len(tomllib.loads(p.read_text(encoding="utf-8")).get("q", [])) for p in HERE.glob("*.toml")}
    short = {s: n for s, n in counts.items() if n < (10 if s in audit else 5)}
    assert not short, f"too few competency questions: {short}"
