"""graph/viz/sources.py: every quote of every relation, and the source texts as pages with line anchors."""

from __future__ import annotations

import html
import re

import pytest

from graph.evidence import SourceText
from graph.queries import rows
from graph.viz.sources import cited, edge_evidence, node_evidence, node_time, source_pages


@pytest.fixture(scope="module")
def evidence(store, project):
    return edge_evidence(store, project)


@pytest.fixture(scope="module")
def sources(store, project):
    return {path: draw() for path, draw in source_pages(store, project)}


def test_every_statement_is_one_quote_of_its_relation(store, project, evidence):
    """Each quote keeps its own document: none is credited to another source (edges.rq took MIN of each)."""
    statements = rows(
        store,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o ?q ?src ?l WHERE { "
        "?p rdfs:subPropertyOf* nv:relation FILTER(?p != nv:fromReport) ?s ?p ?o . ?st rdf:subject ?s ; "
        "rdf:predicate ?p ; rdf:object ?o ; nv:quote ?q ; nv:source ?src OPTIONAL { ?st nv:line ?l } } }",
    )
    relations = sum(len(v) for k, v in evidence.items() if isinstance(k, tuple))
    assert relations == int(statements[0]["n"])
    # «I samverkan pågår även flera gemensamma utvecklingsarbeten» occurs only in the national overview.
    phrase = "flera gemensamma utvecklingsarbeten"
    credited = {q["cited"] for qs in evidence.values() for q in qs if phrase in q["quote"]}
    assert credited == {"Översikt över 21 regioner (2020)"}
    several = [k for k, v in evidence.items() if isinstance(k, tuple) and len(v) > 1]
    assert len(several) >= 30  # relations with several quotes show them all


def test_every_quote_links_to_the_lines_it_is_on(evidence, sources):
    line_texts = {
        page: re.findall(r'<li id="L\d+"><a class="ln" href="#L\d+">\d+</a> <span>(.*?)</span></li>', text)
        for page, text in sources.items()
    }
    checked = 0
    for qs in evidence.values():
        for q in qs:
            page, line, end = re.fullmatch(r"(sources/\w+\.html)#L(\d+)(?:-L(\d+))?", cited(q)[1]).groups()
            assert f'<li id="L{line}">' in sources[page]
            lines = line_texts[page]
            window = SourceText(html.unescape("\n".join(lines[int(line) - 1 : int(end or line)])))
            assert window.find(q["quote"]), (q, window.text[:200])  # the whole quote, on the lines linked
            checked += 1
    assert checked > 1500


def test_source_pages_number_every_line(project, sources):
    files = sorted(p.name for p in project.sources_dir.glob("*.txt"))
    assert sorted(p.removeprefix("sources/").replace(".html", ".txt") for p in sources) == files
    first = sources[f"sources/{files[0].removesuffix('.txt')}.html"]
    n = len((project.sources_dir / files[0]).read_text(encoding="utf-8").splitlines())
    assert first.count('<li id="L') == n and f'<li id="L{n}">' in first


def test_every_quote_of_every_entity_keeps_its_own_source(store, project):
    """node_evidence gives each entity all its quotes, each credited to its own document (the sources an
    entity is evidenced by drive the region pages' source switch)."""
    quotes = node_evidence(store, project)
    stated = rows(
        store,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?node ?q ?src ?l WHERE { ?c nv:inNetwork true . "
        "?node a ?c ; nv:evidence ?ev . ?ev nv:quote ?q ; nv:source ?src OPTIONAL { ?ev nv:line ?l } } }",
    )
    assert sum(len(qs) for qs in quotes.values()) == int(stated[0]["n"])
    svom = {q["cited"] for q in quotes["nvr:jamtland-harjedalen--svom"]}
    assert "Översikt över 21 regioner (2020)" in svom


@pytest.mark.parametrize(
    "node,facts",
    [
        ("nvr:dalarna--landstingsstyrelsen", {"succeededBy": ["nvr:dalarna--regionstyrelsen"], "ended": True}),
        (
            "nvr:dalarna--ny-nara-vard-sodra-dalarna",
            {"lifecycle": "avvecklad", "lifecycleEn": "dissolved", "validUntil": "2019", "ended": True},
        ),
        ("nvr:dalarna--gemensam-malbild-och-strategi", {"lifecycle": "planerad", "lifecycleEn": "planned"}),
        ("nvr:uppsala--hsvo", {"validFrom": "2017"}),
    ],
)
def test_time_facts_say_ended_only_where_the_model_does(store, project, node, facts):
    """A planned body or one with only a start date has not ended; dissolved, an end date or a successor has."""
    assert node_time(store, project)[node] == facts
