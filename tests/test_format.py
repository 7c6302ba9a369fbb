"""graph/turtle_format.py and `naravard format`: one layout, the same graph, idempotent."""

from __future__ import annotations

from itertools import takewhile

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from cli.main import cli
from graph.project import REPO_ROOT
from graph.turtle_format import format_text, same_graph

#: Real files of each kind: the national actors, the sources, a region small enough for rdflib's general
#: isomorphism test and one above RDFLIB_ISOMORPHIC_MAX_LINES. `make test` runs `naravard format --check` on
#: every data file first (Makefile), which formats each one (format_text checks the graph is kept); the
#: other region files take the same code path with the same kind of content.
SAMPLES = [
    "data/national.ttl",
    "data/sources/sources.ttl",
    "data/regions/stockholm.ttl",
    "data/regions/vastra-gotaland.ttl",
]
#: rdflib's general isomorphism test takes minutes on the largest files (thousands of blank
#: nodes); below this size it runs on the file, above it `same_graph` (linear, exact for the
#: tree-shaped blank nodes of evidence) decides, and is itself checked against rdflib below.
RDFLIB_ISOMORPHIC_MAX_LINES = 700


def reordered(text: str) -> str:
    """Turtle `text` in the layout, its blocks (an entity, a relation with its evidence: separated by
    blank lines) in reverse order after the prefixes and header: the same graph, laid out otherwise."""
    parts = text.split("\n\n")
    head = list(takewhile(lambda part: part.startswith(("@prefix", "#")), parts))
    return "\n\n".join([*head, *reversed(parts[len(head) :])])


@pytest.mark.parametrize("name", SAMPLES)
def test_real_file_keeps_its_graph_and_is_idempotent(name):
    text = (REPO_ROOT / name).read_text(encoding="utf-8")
    once = format_text(text)
    if once != text:  # a file in the layout already: formatting `once` is the call just made
        assert format_text(once) == once
    shuffled = reordered(once)
    assert shuffled != once
    assert format_text(shuffled) == once  # the layout depends on the graph, not on the input's order
    before = rdflib.Graph().parse(data=shuffled, format="turtle")  # rdflib: a second parser
    after = rdflib.Graph().parse(data=once, format="turtle")
    assert len(after) > 50 and same_graph(before, after)
    if len(text.splitlines()) <= RDFLIB_ISOMORPHIC_MAX_LINES:
        assert isomorphic(before, after)


PREFIXES = """@prefix nv: <https://w3id.org/naravard/def#> .
@prefix nvr: <https://w3id.org/naravard/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
SAMPLE = (
    PREFIXES
    + """
# Header line one.
# Header line two.

# a section comment (lost)
nvr:x--forum nv:level nv:level-not-named ; a nv:CollaborationBody ;
    nv:evidence [ nv:quote "Forumet möts varje månad." ; nv:line 9 ; nv:source nvr:source-004 ] ,
                [ nv:source nvr:source-002 ; nv:line 3 ; nv:quote "Forumet bildades 2019." ] ;
    rdfs:label "Forumet"@sv ; nv:inRegion nvr:x .
nvr:x--enhet rdfs:label "Enheten"@sv ; a nv:Administration .
nvr:x--enhet nv:memberOf nvr:x--forum .
[] rdf:subject nvr:x--enhet ; rdf:predicate nv:memberOf ; rdf:object nvr:x--forum ;
   nv:source nvr:source-004 ; nv:line 12 ; nv:quote "Enheten deltar i forumet sedan starten." ; nv:role nv:role-chair .
[] nv:source nvr:source-002 ; nv:line 2 ; nv:quote "Enheten är medlem." ;
   rdf:subject nvr:x--enhet ; rdf:predicate nv:memberOf ; rdf:object nvr:x--forum .
nvr:x nv:collaboratesWith nvr:y .
"""
)


def test_layout():
    out = format_text(SAMPLE)
    assert out.startswith(PREFIXES + "\n# Header line one.\n# Header line two.\n\n")
    assert "section comment" not in out
    # classes in the ontology's order: Administration before CollaborationBody
    assert out.index("nvr:x--enhet a nv:Administration") < out.index("nvr:x--forum a nv:CollaborationBody")
    forum = out[out.index("nvr:x--forum a") :]
    assert forum.index("rdfs:label") < forum.index("nv:inRegion") < forum.index("nv:level") < forum.index("nv:evidence")
    # evidence sorted by source and line, inline
    assert forum.index("nvr:source-002") < forum.index("nvr:source-004")
    # the relation follows its subject's block, its statements sorted by source, line
    rel = out[out.index("nvr:x--enhet nv:memberOf nvr:x--forum .") :]
    assert rel.index('"Enheten är medlem."') < rel.index('"Enheten deltar i forumet sedan starten."')
    assert "    nv:evidence [ nv:source nvr:source-002 ; nv:line 3 ; nv:quote" in out
    # a subject not typed in the file comes after the entities
    assert out.rstrip().endswith("nvr:x nv:collaboratesWith nvr:y .")
    assert format_text(out) == out
    assert same_graph(
        rdflib.Graph().parse(data=SAMPLE, format="turtle"), rdflib.Graph().parse(data=out, format="turtle")
    )


def test_same_graph_agrees_with_rdflib():
    a = rdflib.Graph().parse(data=SAMPLE, format="turtle")
    b = rdflib.Graph().parse(data=format_text(SAMPLE), format="turtle")
    c = rdflib.Graph().parse(data=SAMPLE.replace("Enheten är medlem.", "Enheten är med."), format="turtle")
    assert same_graph(a, b) and isomorphic(a, b)
    assert not same_graph(a, c) and not isomorphic(a, c)


def test_long_literal_stays_on_one_line():
    long = "ord " * 80
    out = format_text(PREFIXES + f'nvr:a a nv:Plan ; rdfs:comment "{long.strip()}\\nrad två"@sv .')
    [line] = [line for line in out.splitlines() if "rdfs:comment" in line]
    assert line.endswith('rad två"@sv .') and "\\n" in line


def test_cli_check_and_write(tmp_path):
    f = tmp_path / "x.ttl"
    f.write_text(SAMPLE, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(cli, ["format", "--check", str(f)])
    assert r.exit_code == 1 and "would reformat" in r.output and f.read_text(encoding="utf-8") == SAMPLE
    assert runner.invoke(cli, ["format", str(f)]).exit_code == 0
    assert runner.invoke(cli, ["format", "--check", str(f)]).exit_code == 0
