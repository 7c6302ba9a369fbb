"""Planted data for the gap tests: a Dalarna with one gap per rule (and the same with each
closed), and a small region × structure matrix; verbatim fragments of the sources as evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.load import load_store
from graph.project import REPO_ROOT, Project
from graph.validate import validate

from .conftest import copy_project, write

PREFIXES = """@prefix nv: <https://w3id.org/naravard/def#> .
@prefix nvr: <https://w3id.org/naravard/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# Verbatim fragments of the source texts (003: Helseplan's audit of Dalarna, 004: the survey), each
# within one line and of at least four words (model version 2: a relation's quote states it).
Q = {
    "valfardsradet": ("003", "det gemensamma politiska organet Välfärdsrådet"),
    "chefsnatverk": ("004", "I ett chefsnätverk ingår socialchefer"),
    "sodra": ("003", "i de deltagande kommunerna Avesta och Hedemora"),
    "hsn": ("003", "Regionstyrelsens ordförande och ordföranden för Hälso- och sjukvårdsnämnden"),
    "rs": ("003", "rekommenderar att Regionstyrelsen bör"),
    "projekt": ("003", "och bedrivits i projektform"),
    "strategi": ("003", "att ta fram gemensamma strategier tillsammans med Dalarnas kommuner"),
    "rek": ("003", "rekommenderar att Hälso- och sjukvårdsnämnden bör"),
    "blekinge": ("004", "Region Blekinge arbetar med omställningen"),
    "falun": ("004", "Mobilt team i samverkan mellan Falun kommun"),
}


def line_of(src: str, quote: str) -> int:
    """The 1-based line of the source text where `quote` first starts."""
    text = next((REPO_ROOT / "data" / "sources").glob(f"{src}_*.txt")).read_text(encoding="utf-8")
    return text[: text.index(quote)].count("\n") + 1


def ent(iri: str, cls: str, label: str, q: str, region: str = "dalarna", extra: str = "") -> str:
    src, quote = Q[q]
    return (
        f'{iri} a nv:{cls} ; rdfs:label "{label}"@sv ; nv:inRegion nvr:{region} ; {extra}\n'
        f'    nv:evidence [ nv:source nvr:source-{src} ; nv:line {line_of(src, quote)} ; nv:quote "{quote}" ] .\n'
    )


def rel(s: str, p: str, o: str, q: str, extra: str = "") -> str:
    src, quote = Q[q]
    return (
        f"{s} nv:{p} {o} .\n[] rdf:subject {s} ; rdf:predicate nv:{p} ; rdf:object {o} ; {extra}"
        f'nv:source nvr:source-{src} ; nv:line {line_of(src, quote)} ; nv:quote "{quote}" .\n'
    )


# A Dalarna with one planted gap per rule (the representative membership is added below).
BASE = PREFIXES + "".join(
    [
        ent(
            "nvr:dalarna--valfardsradet",
            "CollaborationBody",
            "Välfärdsrådet",
            "valfardsradet",
            extra="nv:level nv:level-political ; nv:structureType nv:st-political-joint-forum ;",
        ),
        ent(
            "nvr:dalarna--chefsnatverk",
            "CollaborationBody",
            "chefsnätverk",
            "chefsnatverk",
            extra="nv:level nv:level-executive ; nv:structureType nv:st-executive-joint-forum ;",
        ),
        # (a) a steering group naming two of Dalarna's fifteen municipalities
        ent(
            "nvr:dalarna--styrgrupp-sodra",
            "CollaborationBody",
            "styrgrupp Södra Dalarna",
            "sodra",
            extra="nv:level nv:level-not-named ; nv:structureType nv:st-joint-steering-group ;",
        ),
        rel("nvr:kommun-2083", "memberOf", "nvr:dalarna--styrgrupp-sodra", "sodra"),
        # (c2) a preparing body whose target has no link back; (e) the same board gets a recommendation
        ent("nvr:dalarna--hsn", "Board", "Hälso- och sjukvårdsnämnden", "hsn"),
        ent(
            "nvr:dalarna--beredning", "Committee", "beredning", "hsn", extra="nv:structureType nv:st-preparatory-body ;"
        ),
        rel("nvr:dalarna--beredning", "preparesFor", "nvr:dalarna--hsn", "hsn"),
        ent(
            "nvr:dalarna--rek-1",
            "AuditRecommendation",
            "Rekommendation 1",
            "rek",
            extra='nv:number 1 ; nv:text "Helseplan rekommenderar att Hälso- och sjukvårdsnämnden bör"@sv ;',
        ),
        # (g) a recommendation of a report whose answer is among the sources, with no measure
        rel("nvr:dalarna--rek-1", "fromReport", "nvr:report-jamtland-harjedalen-granskning", "rek"),
        rel("nvr:dalarna--rek-1", "addressedTo", "nvr:dalarna--hsn", "rek"),
        # (d) two partners of a project without a shared forum
        ent("nvr:dalarna--hsf", "Administration", "hälso- och sjukvårdsförvaltningen", "hsn"),
        rel("nvr:dalarna--hsf", "partOf", "nvr:dalarna", "hsn"),
        ent("nvr:dalarna--projekt-x", "Project", "Mobilt team Falun", "projekt"),
        rel("nvr:dalarna--hsf", "runs", "nvr:dalarna--projekt-x", "projekt"),
        rel("nvr:kommun-2080", "participatesIn", "nvr:dalarna--projekt-x", "falun"),
        # (f) a plan nobody owns
        ent("nvr:dalarna--plan-y", "Plan", "gemensam strategi", "strategi"),
    ]
)

BROKEN = BASE  # completed below with SITS_FOR_ALL

# (h) one municipality sits for all the county's municipalities in a joint forum
SITS_FOR_ALL = rel(
    "nvr:kommun-2084",
    "memberOf",
    "nvr:dalarna--styrgrupp-sodra",
    "sodra",
    extra='nv:role nv:role-representative ; nv:onBehalfOf nvr:kommuner-20 ; nv:seats "en kommun"@sv ; ',
)
SITS_FOR_ITSELF = rel("nvr:kommun-2084", "memberOf", "nvr:dalarna--styrgrupp-sodra", "sodra")
BROKEN = BASE + SITS_FOR_ALL

# The same Dalarna with every planted gap closed.
FIXED = (
    BASE
    + SITS_FOR_ITSELF
    + "".join(
        [
            ent("nvr:dalarna--atgard-1", "Measure", "åtgärd", "rek", extra="nv:status nv:status-planned ;"),  # (g)
            rel("nvr:dalarna--atgard-1", "respondsTo", "nvr:dalarna--rek-1", "rek"),
            ent(
                "nvr:dalarna--arbetsgrupper",
                "CollaborationBody",
                "arbetsgrupper",
                "chefsnatverk",
                extra="nv:level nv:level-operational ; nv:structureType nv:st-operational-network ;",
            ),  # (b)
            rel("nvr:kommuner-20", "memberOf", "nvr:dalarna--arbetsgrupper", "chefsnatverk"),
            rel("nvr:kommuner-20", "memberOf", "nvr:dalarna--styrgrupp-sodra", "sodra"),  # (a)
            rel("nvr:dalarna--chefsnatverk", "preparesFor", "nvr:dalarna--valfardsradet", "chefsnatverk"),  # (c1)
            rel("nvr:kommuner-20", "memberOf", "nvr:dalarna--valfardsradet", "valfardsradet"),
            rel("nvr:kommuner-20", "memberOf", "nvr:dalarna--chefsnatverk", "chefsnatverk"),
            rel("nvr:dalarna", "memberOf", "nvr:dalarna--valfardsradet", "valfardsradet"),  # (d)
            rel("nvr:dalarna--hsn", "commissions", "nvr:dalarna--beredning", "hsn"),  # (c2)
            rel("nvr:dalarna--hsn", "responsibleFor", "nvr:dalarna--projekt-x", "hsn"),  # (e)
            rel("nvr:dalarna--plan-y", "decidedBy", "nvr:dalarna--valfardsradet", "valfardsradet"),  # (f)
        ]
    )
)

# Blekinge: an executive joint forum where Karlskrona sits for the county's municipalities (h).
LSVO = PREFIXES + ent(
    "nvr:blekinge--lsvo",
    "CollaborationBody",
    "LSVO",
    "blekinge",
    region="blekinge",
    extra="nv:level nv:level-executive ; nv:structureType nv:st-executive-joint-forum ;",
)
BLEKINGE_BROKEN = LSVO + rel(
    "nvr:kommun-1080",
    "memberOf",
    "nvr:blekinge--lsvo",
    "blekinge",
    extra="nv:onBehalfOf nvr:kommuner-10 ; ",
)
BLEKINGE_FIXED = LSVO + rel("nvr:kommuner-10", "memberOf", "nvr:blekinge--lsvo", "blekinge")

PLANTED = {
    "partial-municipal-representation": [
        ("nvr:dalarna", "nvr:dalarna--styrgrupp-sodra", None),
        ("nvr:blekinge", "nvr:blekinge--lsvo", None),
    ],
    "recommendation-without-measure": [("nvr:dalarna", "nvr:dalarna--rek-1", None)],
}


MATRIX = PREFIXES + "".join(
    [
        ent(
            "nvr:dalarna--valfardsradet",
            "CollaborationBody",
            "Välfärdsrådet",
            "valfardsradet",
            extra="nv:level nv:level-political ; nv:structureType nv:st-political-joint-forum ;",
        ),
        ent("nvr:dalarna--team-1", "Project", "mobilt team 1", "projekt", extra="nv:structureType nv:st-mobile-team ;"),
        ent("nvr:dalarna--team-2", "Project", "mobilt team 2", "projekt", extra="nv:structureType nv:st-mobile-team ;"),
    ]
)
MATRIX_B = PREFIXES + ent(
    "nvr:blekinge--forum",
    "CollaborationBody",
    "forum",
    "blekinge",
    region="blekinge",
    extra="nv:level nv:level-not-named ; nv:structureType nv:st-political-joint-forum ;",
)
MATRIX_K = PREFIXES + ent(
    "nvr:kronoberg--team",
    "Project",
    "team",
    "projekt",
    region="kronoberg",
    extra="nv:structureType nv:st-mobile-team ;",
)


def planted_project(tmp: Path, files: dict[str, str], check: bool = True, ontology: str = "") -> tuple[Project, object]:
    """A copy of the project with `files` (region slug → Turtle) as its only region data and
    `ontology` (Turtle) added to its ontology; its store, validated first (with `check`), with
    NARAVARD_OUTPUT pointing inside `tmp`."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NARAVARD_OUTPUT", str(tmp / "out"))
        project = copy_project(tmp / "proj", regions=[])
        if ontology:
            with open(project.root / "ontology" / "naravard.ttl", "a", encoding="utf-8") as f:
                f.write(ontology)
        for slug, text in files.items():
            write(project.data_dir / "regions" / f"{slug}.ttl", text)
        if check:
            report = validate(project)
            assert report.ok, [(p.focus, p.message) for p in report.errors][:5]
        return project, load_store(project)
