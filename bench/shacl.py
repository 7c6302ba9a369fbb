"""Validation engines on our shapes: time (median of 3) and whether each reports what pySHACL reports.

Run `python -m bench.shacl` (add `--quick` to skip the real data, `--runs N` to change 3).
Data sets: the real data (ontology + every data file) and FAULTS, a fixture breaking every
constraint of ontology/shapes.ttl at least once (on the ontology and the source list). Each engine's
results are compared with pySHACL's as (focus, path, value, message, severity), and after naming as
graph.validate names them. Engines that are not installed are listed as such:
pyshacl-turbo, pyrudof and brick-tq-shacl are not project dependencies
(`pip install pyshacl-turbo pyrudof brick-tq-shacl maplib` in a scratch venv to measure them).
"""

from __future__ import annotations

import argparse
import statistics
import time

import pyoxigraph as ox
import rdflib
from rdflib import RDF

from graph.namespaces import shorten
from graph.parse import parse_file, parse_project
from graph.project import Project
from graph.rdflib_copy import to_rdflib, to_rdflib_term
from graph.shacl import SH, shacl_results

FAULTS = """@prefix nv: <https://w3id.org/naravard/def#> .
@prefix nvr: <https://w3id.org/naravard/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

nvr:r a nv:Region ; rdfs:label "R"@sv ; nv:countyCode "20" ; nv:slug "r" ; nv:coversArea nvr:c .
nvr:c a nv:County ; nv:countyCode "20" .
nvr:bad-region a nv:Region ; nv:countyCode "2" ; nv:slug "Bad Slug" .
nvr:bad-county a nv:County .
nvr:bad-muni a nv:Municipality ; nv:municipalityCode "12a" , "1234" .

nvr:no-label a nv:Board ; nv:inRegion nvr:r .
nvr:two-labels a nv:Board ; rdfs:label "a"@sv , "b"@sv ; nv:inRegion nvr:c ;
    nv:evidence [ nv:source nvr:c ; nv:quote "ab" ; nv:line 0 ] .
nvr:plain-label a nv:Committee ; rdfs:label "plain" ; nv:structureType nv:level-political ;
    nv:evidence [ nv:quote "a quote here" ; nv:line "x" ] , [ nv:source nvr:source-000 ] .
nvr:person-steers a nv:Person ; rdfs:label "P"@sv ; nv:steers nvr:proj ; nv:leads nvr:proj ;
    nv:evidence [ nv:source nvr:source-000 , nvr:source-001 ; nv:quote "one" , "two" ] .
nvr:body-leads a nv:CollaborationBody ; rdfs:label "B"@sv ; nv:inRegion nvr:r ; nv:level nv:st-council ;
    nv:structureType nv:st-steering-group ; nv:leads nvr:proj ; nv:chairs nvr:body-leads ;
    nv:partOf nvr:proj ; nv:runs nvr:law ; nv:basedOn nvr:person-steers ; nv:holds nvr:proj ;
    nv:fundedBy nvr:law ; nv:collaboratesWith nvr:law ; nv:lifecycle nv:lifecycle-planned , nv:lifecycle-dissolved ;
    nv:evidence [ nv:source nvr:source-000 ; nv:quote "body quote" ] .
nvr:post a nv:Post ; rdfs:label "Post"@sv ; nv:inRegion nvr:r ; nv:memberOf nvr:body-leads ;
    nv:evidence [ nv:source nvr:source-000 ; nv:quote "post quote" ] .
nvr:proj a nv:Project ; rdfs:label "P"@sv ; nv:gapKind nv:level-political ;
    nv:evidence [ nv:source nvr:source-000 ; nv:quote "proj quote" ] .
nvr:law a nv:Law ; rdfs:label "L"@sv ; nv:evidence [ nv:source nvr:source-000 ; nv:quote "law quote" ] .
nvr:rec a nv:AuditRecommendation ; rdfs:label "Rec"@sv ; nv:inRegion nvr:r ; nv:number "one" ;
    nv:addressedTo nvr:proj ; nv:evidence [ nv:source nvr:source-000 ; nv:quote "rec quote" ] .
nvr:measure a nv:Measure ; rdfs:label "M"@sv ; nv:inRegion nvr:r ; nv:status nv:gap-weak ;
    nv:evidence [ nv:source nvr:source-000 ; nv:quote "measure quote" ] .
nvr:gap a nv:CollaborationGap ; rdfs:label "G"@sv ; nv:inRegion nvr:r ; nv:between nvr:post ;
    nv:evidence [ nv:source nvr:source-000 ; nv:quote "gap quote" ] .
nvr:answer a nv:SourceDocument ; nv:documentKind nv:doc-audit-answer .

[] rdf:subject nvr:post ; rdf:predicate "memberOf" ; nv:source nvr:source-000 ; nv:quote "statement" ;
   dcterms:date "2020" , "2021"^^xsd:gYear ; nv:role nv:level-political ; nv:basis nv:basis-layout , nv:basis-context ;
   nv:validFrom "soon" ; nv:validUntil "2020-01-01"^^xsd:date .
[] rdf:subject nvr:post ; rdf:predicate nv:partOf ; rdf:object nvr:r , nvr:c ; nv:source nvr:source-000 ;
   nv:quote "second statement" ; nv:role nv:role-chair ; nv:basis nv:basis-layout ; nv:heading "H" .
[] rdf:subject nvr:post ; rdf:predicate nv:memberOf ; rdf:object nvr:body-leads ; nv:source nvr:source-000 ;
   nv:quote "third statement" ; nv:basis nv:basis-layout ; nv:heading "H" ; nv:headingLine 3 .
"""


def datasets(project: Project, quick: bool) -> dict[str, list[ox.Triple]]:
    """Name → triples: FAULTS on the ontology and source list, and (unless quick) the real data."""
    base = [*parse_file(project.ontology_file), *parse_file(project.sources_dir / "sources.ttl")]
    out = {"faults": base + [q.triple for q in ox.parse(FAULTS.encode(), format=ox.RdfFormat.TURTLE)]}
    if not quick:
        out["real data"] = [t for ts in parse_project(project).values() for t in ts]
    return out


def from_report(report: rdflib.Graph) -> set[tuple]:
    """(focus, path, value, message, severity) of every result in a pySHACL-style report graph."""
    keys = (SH.focusNode, SH.resultPath, SH.value, SH.resultMessage, SH.resultSeverity)
    return {tuple(report.value(r, k) for k in keys) for r in report.subjects(RDF.type, SH.ValidationResult)}


def run_pyshacl(triples, shapes: rdflib.Graph) -> set[tuple]:
    import pyshacl

    g = to_rdflib(triples)
    return from_report(pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)[1])


def run_turbo(triples, shapes: rdflib.Graph) -> set[tuple]:
    import pyshacl_turbo

    g = to_rdflib(triples)
    return from_report(
        pyshacl_turbo.validate(g, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)[1]
    )


def run_tq(triples, shapes: rdflib.Graph) -> set[tuple]:
    import brick_tq_shacl

    return from_report(brick_tq_shacl.validate(to_rdflib(triples), shapes)[1])


def run_rudof(triples, shapes: rdflib.Graph) -> set[tuple]:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes.serialize(format="turtle"), format=pyrudof.ShaclFormat.Turtle)
    rudof.validate_shacl()
    turtle = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.Turtle)
    return from_report(rdflib.Graph().parse(data=turtle, format="turtle"))


def run_maplib(triples, shapes: rdflib.Graph) -> set[tuple]:
    import maplib

    model = maplib.Model()
    model.reads(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="ntriples")
    model.reads(shapes.serialize(format="turtle"), format="turtle", graph="urn:shapes")
    return from_report(
        rdflib.Graph().parse(data=model.validate(shape_graph="urn:shapes").graph().writes(), format="turtle")
    )


def run_oxigraph(triples, shapes: rdflib.Graph) -> set[tuple]:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    out = set()
    for r in shacl_results(store, shapes):
        value = to_rdflib_term(r.value) if r.value is not None else None
        out.add((to_rdflib_term(r.focus), r.path, value, rdflib.Literal(r.message), r.severity))
    return out


ENGINES = {
    "pySHACL": run_pyshacl,
    "Oxigraph SPARQL (graph/shacl.py)": run_oxigraph,
    "pyshacl-turbo": run_turbo,
    "pyrudof": run_rudof,
    "brick-tq-shacl": run_tq,
    "maplib": run_maplib,
}


def named(results: set[tuple]) -> set[tuple]:
    """Results as graph.validate shows them: blank nodes as one name, terms shortened."""

    def name(x):
        return "_:" if isinstance(x, rdflib.BNode) else shorten(str(x)) if x is not None else None

    return {(name(f), name(p), name(v) if v != f else None, str(m), str(s)) for f, p, v, m, s in results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the FAULTS fixture")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine", action="append", help="only these engines (repeatable)")
    args = parser.parse_args()
    project = Project.default()
    shapes = rdflib.Graph().parse(project.shapes_file, format="turtle")
    print("| data | triples | engine | median | runs | results | same as pySHACL |\n|---|---|---|---|---|---|---|")
    for data_name, triples in datasets(project, args.quick).items():
        reference = None
        for engine, run in ENGINES.items():
            if args.engine and engine not in args.engine and engine != "pySHACL":
                continue
            times, results, error = [], set(), ""
            for _ in range(args.runs):
                t0 = time.perf_counter()
                try:
                    results = run(triples, shapes)
                except (Exception, BaseException) as err:  # an engine that cannot run is a finding (maplib panics)
                    if isinstance(err, KeyboardInterrupt):
                        raise
                    text = getattr(err, "stderr", None) or str(err)
                    lines = [x for x in str(text).splitlines() if "Error" in x or "not implemented" in x]
                    error = f"{type(err).__name__}: {(lines or [''])[0].strip()[:160]}"
                    break
                times.append(time.perf_counter() - t0)
            if error:
                print(f"| {data_name} | {len(triples):,} | {engine} | does not run: {error} | | | |")
                continue
            if engine == "pySHACL":
                reference = named(results)
            same = named(results) == reference
            extra, missing = len(named(results) - reference), len(reference - named(results))
            diff = "" if same else f" ({extra} extra, {missing} missing)"
            print(
                f"| {data_name} | {len(triples):,} | {engine} | {statistics.median(times):.2f} s | "
                f"{', '.join(f'{t:.2f}' for t in times)} | {len(results)} | {'yes' if same else 'no' + diff} |"
            )
            if not same and engine.startswith("Oxigraph"):
                for row in sorted(named(results) ^ reference, key=str)[:40]:
                    print("   ", "+" if row in named(results) else "-", row)


if __name__ == "__main__":
    main()
