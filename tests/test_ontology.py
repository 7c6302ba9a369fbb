"""The ontology: Swedish and English definitions for every term; consistent under HermiT with
W3C ORG and PROV-O imported (ontology/imports/), alone and with data."""
from __future__ import annotations

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
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, SKOS.Concept, SKOS.ConceptScheme, OWL.Ontology)
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
