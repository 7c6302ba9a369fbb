"""The ontology: Swedish and English definitions for every term; consistent under HermiT with
W3C ORG and PROV-O imported (ontology/imports/), alone and with data."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS

from graph.project import REPO_ROOT, Project

PROJECT = Project(REPO_ROOT)
NV = "https://w3id.org/naravard/def#"
BASE = "https://w3id.org/naravard/"


def ontology_terms(g: rdflib.Graph) -> set:
    """Every class, property, concept scheme and concept the ontology defines (and the ontology)."""
    kinds = (
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        SKOS.Concept,
        SKOS.ConceptScheme,
        OWL.Ontology,
    )
    terms = {t for k in kinds for t in g.subjects(RDF.type, k)}
    for concept_class in g.transitive_subjects(RDFS.subClassOf, SKOS.Concept):
        terms |= set(g.subjects(RDF.type, concept_class))
    return {t for t in terms if str(t).startswith(BASE)}


def test_every_term_has_swedish_and_english_definitions():
    g = rdflib.Graph().parse(PROJECT.ontology_file, format="turtle")
    terms = ontology_terms(g)
    assert len(terms) > 150
    for lang in ("en", "sv"):
        missing = sorted(str(t) for t in terms if not any(d.language == lang for d in g.objects(t, SKOS.definition)))
        assert not missing, f"terms without skos:definition @{lang}: {missing}"
    # one definition per language
    for t in terms:
        langs = [d.language for d in g.objects(t, SKOS.definition)]
        assert len(langs) == len(set(langs)), t


# ---------------------------------------------------------------- reasoner (HermiT via owlready2)

IMPORTS = [REPO_ROOT / "ontology" / "imports" / "org.ttl", REPO_ROOT / "ontology" / "imports" / "prov-o.ttl"]
XSD = "http://www.w3.org/2001/XMLSchema#"
NV_SOURCE = rdflib.URIRef(NV + "source")
#: HermiT accepts only the OWL 2 datatype map; the ontology has no axioms on these, so the
#: reasoner gets their literals as plain strings.
NON_OWL_DATATYPES = {rdflib.URIRef(XSD + d) for d in ("date", "gYear", "gYearMonth")}
#: The classes whose most connected instance, with everything around it, makes the data sample.
SAMPLE_CLASSES = [
    "Project",
    "Measure",
    "Plan",
    "CollaborationBody",
    "Post",
    "AuditRecommendation",
    "Board",
    "Administration",
    "Committee",
    "Person",
    "CollaborationGap",
]


#: For HermiT's JVM (read by the `java` launcher of Java 9 and later): see the `hermit` fixture.
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def java() -> str | None:
    return shutil.which("java") or ("/usr/bin/java" if Path("/usr/bin/java").exists() else None)


def closure(g: rdflib.Graph, node, out: rdflib.Graph) -> None:
    """`node`'s outgoing triples, following blank nodes."""
    for p, o in g.predicate_objects(node):
        if (node, p, o) not in out:
            out.add((node, p, o))
            if isinstance(o, rdflib.BNode):
                closure(g, o, out)


def data_graph() -> rdflib.Graph:
    """The data files (not the ontology) as an rdflib graph on Oxigraph (rdflib's own parser takes 10 s)."""
    from oxrdflib import OxigraphStore

    g = rdflib.Graph(store=OxigraphStore())
    for f in PROJECT.data_files():
        g.parse(f, format="ox-turtle")
    return g


def sample(g: rdflib.Graph) -> tuple[rdflib.Graph, dict]:
    """For each of SAMPLE_CLASSES, its instance with the most relations, with all its triples
    (both directions), evidence, evidence statements, and the types of its neighbours."""
    out = rdflib.Graph()
    chosen = {}
    for cls in SAMPLE_CLASSES:
        instances = list(g.subjects(RDF.type, rdflib.URIRef(NV + cls)))
        if not instances:
            continue
        best = max(
            instances, key=lambda n: (len(list(g.predicate_objects(n))) + len(list(g.subject_predicates(n))), str(n))
        )
        chosen[cls] = best
        closure(g, best, out)
        for s, p in g.subject_predicates(best):
            if p == NV_SOURCE:  # every quote from a document: not the document's relations
                continue
            out.add((s, p, best))
            if isinstance(s, rdflib.BNode):
                closure(g, s, out)
        for st in set(g.subjects(RDF.subject, best)) | set(g.subjects(RDF.object, best)):
            closure(g, st, out)
    for node in set(out.all_nodes()):
        if isinstance(node, rdflib.URIRef):
            for t in g.objects(node, RDF.type):
                out.add((node, RDF.type, t))
    return out, chosen


def run_hermit(data: rdflib.Graph, tmp_path: Path):
    """HermiT on the ontology, ORG, PROV-O and `data`; returns (world, seconds). Raises
    owlready2.OwlReadyInconsistentOntologyError if the whole is inconsistent."""
    import owlready2 as o2

    g = rdflib.Graph()
    for f in [*IMPORTS, PROJECT.ontology_file]:
        g.parse(f, format="turtle")
    for s, p, o in data:
        if isinstance(o, rdflib.Literal) and o.datatype in NON_OWL_DATATYPES:
            o = rdflib.Literal(str(o))
        g.add((s, p, o))
    nt = tmp_path / "all.nt"
    g.serialize(nt, format="nt", encoding="utf-8")
    world = o2.World()
    onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
    o2.JAVA_EXE = java()
    start = time.monotonic()
    with onto:
        o2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world, time.monotonic() - start


@pytest.fixture(scope="module")
def hermit(tmp_path_factory):
    """One HermiT run on the ontology, ORG, PROV-O and the data sample: (world, sample, chosen, seconds).

    A run with data checks the ontology too: were the ontology alone inconsistent, or a class
    unsatisfiable, it would be so with any data added (OWL is monotonic), so one run serves both
    tests below (two runs cost 7 + 25 s)."""
    if java() is None:
        pytest.skip("HermiT needs Java (a java on PATH or /usr/bin/java); not found")
    pytest.importorskip("owlready2")
    data, chosen = sample(data_graph())
    with pytest.MonkeyPatch.context() as mp:
        # The same reasoner on the same input; for a run of seconds, the JVM's client compiler alone and
        # one GC thread cost less CPU than its defaults (about 6 s instead of 10 s here, two test workers on two cores).
        mp.setenv("JDK_JAVA_OPTIONS", f"{os.environ.get('JDK_JAVA_OPTIONS', '')} {JVM_OPTIONS}".strip())
        world, seconds = run_hermit(data, tmp_path_factory.mktemp("hermit"))  # raises if inconsistent
    return world, data, chosen, seconds


def test_ontology_with_org_and_prov_is_consistent(hermit):
    world, data, _, seconds = hermit
    print(f"\nHermiT, ontology + ORG + PROV-O + sample of {len(data)} data triples: {seconds:.1f} s")
    assert list(world.inconsistent_classes()) == []
    # the imports are in the reasoner's world, not only our terms
    assert world["http://www.w3.org/ns/org#Organization"] and world["http://www.w3.org/ns/prov#Entity"]


def test_data_sample_is_consistent_and_keeps_kinds_apart(hermit):
    """One instance of each kind with all its relations and evidence: no inconsistency, and no
    project or measure becomes a prov:Entity, no project, plan or post an org:Organization."""
    world, _, chosen, _ = hermit
    entity = world["http://www.w3.org/ns/prov#Entity"]
    organization = world["http://www.w3.org/ns/org#Organization"]
    nothing = world["http://www.w3.org/2002/07/owl#Nothing"]
    kinds = (
        ("Project", (entity, organization)),
        ("Measure", (entity,)),
        ("Plan", (organization,)),
        ("Post", (organization,)),
    )
    for cls, forbidden in kinds:
        instances = list(world[NV + cls].instances())
        assert instances, f"no nv:{cls} in the sample"
        for ind in instances:
            ancestors = set(ind.INDIRECT_is_a)
            assert not ancestors & set(forbidden), (
                f"{ind.iri} (nv:{cls}) is inferred to be {[c.iri for c in ancestors & set(forbidden)]}"
            )
            assert nothing not in ancestors
    assert set(chosen) >= {"Project", "Measure", "Plan", "CollaborationBody", "Post"}
