"""The model decides: a structure type added to the ontology (and used in the data) reaches the
pages' legend, the comparison and the rules with no Python edit.

The copy (Dalarna and Kronoberg) gets one edit in its ontology, a new type with Swedish and
English labels, a usual level and its SKOS scheme, and data that uses it: Dalarna's Välfärdsrådet,
and a bare forum of that type in eleven other regions so that most regions have one.
"""

from __future__ import annotations

import pytest

from graph.gaps import find_gaps
from graph.network import network, region_subgraph
from graph.queries import rows
from graph.store import open_store
from graph.viz.page import page_data
from graph.viz.style import model_labels

from .conftest import copy_project, write

NEW_TYPE = """
nv:st-test-council a nv:StructureType , skos:Concept ;
    skos:inScheme nv:structureTypes ; skos:topConceptOf nv:structureTypes ;
    skos:prefLabel "test council"@en , "provråd"@sv ; rdfs:label "test council"@en , "provråd"@sv ;
    nv:usualLevel nv:level-tactical ;
    skos:definition "A structure type added by a test."@en , "En strukturtyp som ett test lägger till."@sv .
"""
OTHERS = 11  # with Dalarna, 12 of 21 regions have the new type: "most regions" for the comparison


@pytest.fixture(scope="module")
def model(store, tmp_path_factory):
    """(project, store) of the copy, built in-process once for the module."""
    root = tmp_path_factory.mktemp("model")
    project = copy_project(root / "proj", regions=["dalarna", "kronoberg"])
    with project.ontology_file.open("a", encoding="utf-8") as f:
        f.write(NEW_TYPE)
    slugs = sorted(r["slug"] for r in rows(store, "SELECT ?slug WHERE { ?r a nv:Region ; nv:slug ?slug }"))
    others = [s for s in slugs if s not in ("dalarna", "kronoberg")][:OTHERS]
    forums = "".join(
        f'nvr:{s}--provrad a nv:CollaborationBody ; rdfs:label "provråd"@sv ; nv:inRegion nvr:{s} ;\n'
        f"    nv:level nv:level-not-named ; nv:structureType nv:st-test-council .\n"
        for s in others
    )
    prefixes = "@prefix nv: <https://w3id.org/naravard/def#> .\n@prefix nvr: <https://w3id.org/naravard/id/> .\n"
    prefixes += "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    write(
        project.data_dir / "regions" / "test-council.ttl",
        prefixes + "nvr:dalarna--valfardsradet nv:structureType nv:st-test-council .\n" + forums,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NARAVARD_OUTPUT", str(root / "out"))
        yield project, open_store(project)


def legend(project, store) -> set[str]:
    """The structure types the data of Dalarna's region page gives its legend, by their Swedish label."""
    data = page_data(region_subgraph(network(store), "nvr:dalarna"), title="Dalarna", labels=model_labels(store))
    return {t["label"] for t in data["structureTypes"].values()}


def matrix(project, store) -> set[str]:
    """The structure types the region × structure matrix counts in Dalarna (English names)."""
    found = rows(store, "structure-matrix", project)
    return {r["typeName"] for r in found if r["region"].endswith("/dalarna") and int(r["count"])}


def comparison(project, store) -> set[str]:
    """The structure types the comparison says Kronoberg lacks."""
    return {g.name for g in find_gaps(store, kinds=["compare"], region="kronoberg", project=project)}


@pytest.mark.parametrize(
    "view, seen",
    [
        (legend, "provråd"),  # (a) the page's legend and filters, in Swedish
        (matrix, "test council"),  # (b) the comparison's matrix counts it ...
        (comparison, "nv:st-test-council"),  # ... and finds Kronoberg without one, as most regions have one
    ],
    ids=["legend", "matrix", "comparison"],
)
def test_a_new_structure_type_needs_only_the_ontology(model, store, project, view, seen):
    assert seen in view(*model)
    assert seen not in view(project, store)  # the real graph, without the new type
