"""The synthetic graph generator (bench/synth.py) behind `python -m bench.synth` and `make bench`."""

from __future__ import annotations

import shlex

import pyoxigraph as ox
import pytest

from bench.synth import Real, main, synthesise
from graph.project import Project
from graph.queries import Library, execute, prepare
from graph.store import memory_store

NV = "https://w3id.org/naravard/def#"
CURATED = [
    "Assembly",
    "Board",
    "Committee",
    "Administration",
    "CollaborationBody",
    "ExternalOrganisation",
    "Post",
    "Person",
    "Project",
    "Plan",
    "Law",
    "AuditRecommendation",
    "Measure",
    "CollaborationGap",
]


def real_data_triples(project: Project) -> int:
    return sum(sum(1 for _ in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)) for p in project.data_files())


@pytest.fixture(scope="module")
def real():
    """What the generator reads from the real project (`bench.synth.Real`, most of a factor-2 run's time)."""
    return Real(Project.default())


@pytest.fixture(scope="module")
def synthetic(real, tmp_path_factory):
    project = Project.default()
    out = tmp_path_factory.mktemp("synth") / "synth.nt"
    info = synthesise(project, 2, out, seed=7, real=real)
    store = memory_store([project.ontology_file])
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
    return project, out, info, store


def count(store: ox.Store, where: str) -> int:
    q = (
        f"PREFIX nv: <{NV}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    )
    return int(next(iter(store.query(q)))["n"].value)


def test_same_seed_same_bytes(synthetic, real, tmp_path):
    project, out, _, _ = synthetic
    again = tmp_path / "again.nt"
    synthesise(project, 2, again, seed=7)  # from scratch: reading the real graph is repeatable too
    assert again.read_bytes() == out.read_bytes()
    other = tmp_path / "other.nt"
    synthesise(project, 2, other, seed=8, real=real)
    assert other.read_bytes() != out.read_bytes()


def test_factor_scales_the_size(synthetic):
    project, out, info, _ = synthetic
    real = real_data_triples(project)
    written = sum(1 for _ in ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))
    assert written == info.triples
    assert 1.7 * real <= written <= 2.3 * real
    assert info.regions >= 5


def rows(store: ox.Store, query: str) -> list[tuple]:
    q = (
        f"PREFIX nv: <{NV}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/> " + query
    )
    res = store.query(q)
    names = [v.value for v in res.variables]
    return [tuple(r[n] for n in names) for r in res]


def test_every_relation_has_an_evidence_statement(synthetic):
    store = synthetic[3]
    assert count(store, "?r a nv:Region . FILTER(STRSTARTS(STR(?r), 'https://w3id.org/naravard/id/synth-'))") >= 5
    relations = {p for (p,) in rows(store, "SELECT ?p WHERE { ?p rdfs:subPropertyOf+ nv:relation }")}
    values = " ".join(str(p) for p in relations)
    stated = set(rows(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"))
    evidenced = set(
        rows(
            store,
            "SELECT ?s ?p ?o WHERE { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;"
            " nv:source ?src ; nv:quote ?q }",
        )
    )
    reference = {s for (s,) in rows(store, "SELECT ?s WHERE { ?s dcterms:source ?d . ?d a nv:ReferenceDataset }")}
    assert len(stated) > 2000
    missing = [t for t in stated - evidenced if not (t[0] in reference and t[2] in reference)]
    assert missing == []
    assert evidenced <= stated


def test_every_entity_has_evidence_from_a_real_source(synthetic):
    store = synthetic[3]
    classes = " ".join(f"nv:{c}" for c in CURATED)
    entities = {e for (e,) in rows(store, f"SELECT DISTINCT ?e WHERE {{ VALUES ?c {{ {classes} }} ?e a ?c }}")}
    with_evidence = {
        e for (e,) in rows(store, "SELECT DISTINCT ?e WHERE { ?e nv:evidence ?ev . ?ev nv:source ?src ; nv:quote ?q }")
    }
    assert len(entities) > 1500
    assert entities - with_evidence == set()
    sources = {s for (s,) in rows(store, "SELECT DISTINCT ?s WHERE { ?ev nv:source ?s }")}
    documents = {d for (d,) in rows(store, "SELECT ?d WHERE { ?d a nv:SourceDocument }")}
    assert sources <= documents and all(s.value.startswith("https://w3id.org/naravard/id/source-00") for s in sources)
    assert count(store, "?e nv:inRegion ?r . FILTER NOT EXISTS { ?r a nv:Region }") == 0


def test_library_queries_run_on_it(synthetic):
    project, _, _, store = synthetic
    for q in Library(project):
        words = shlex.split(q.example)
        params = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")
        result = execute(store, prepare(q.name, params, project))
        if isinstance(result, ox.QuerySolutions):
            list(result)
    regions = execute(store, prepare("count-by-region", {}, project))
    names = [row["name"].value for row in regions]
    assert any(n.startswith("Syntetisk region") for n in names)


def test_command_line_error_is_one_line(tmp_path, capsys):
    """`python -m bench.synth` (the user CLI has no `synth`): a project without files is one `Error:` line."""
    assert main(["--factor", "1", "--out", str(tmp_path / "s.nt"), "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().err == "Error: ontology/naravard.ttl: file not found\n"


def test_synthetic_project_passes_validation(synthetic, tmp_path):
    """The generated data follows the lint rules and shapes (collaboratesWith order, one relation per
    drawn pair, quotes that state a relation, posts in a body with nv:postIn, sh:maxCount 1): no error."""
    import shutil

    from graph.validate import validate

    project, out, _, _ = synthetic
    root = tmp_path / "p"
    (root / "data").mkdir(parents=True)
    shutil.copytree(project.root / "ontology", root / "ontology")
    shutil.copytree(project.sources_dir, root / "data" / "sources", ignore=shutil.ignore_patterns("*.ttl"))
    shutil.copy2(out, root / "data" / "synthetic.ttl")
    report = validate(Project(root))
    assert report.triples > 1.7 * real_data_triples(project)
    assert [str(p) for p in report.errors] == []
