"""Check the evidence behind every fact: quotes are verbatim, relations are evidenced.

A quote matches its source after normalising whitespace (a line break is a space) and,
failing that, after joining words split by a line-break hyphen ("sjuk-\\nvård").

>>> normalise("hälso-  och\\n sjukvård")
'hälso- och sjukvård'
>>> SourceText("Vi har en lokal\\nsam-\\nverkansgrupp.").find("lokal samverkansgrupp")
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import rdflib
from rdflib import DCTERMS, RDF, RDFS

from .namespaces import NV

_WS = re.compile(r"\s+")
_BROKEN_WORD = re.compile(r"(\w)-\s*\n\s*(\w)")


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


class SourceText:
    """A source document's text, searchable for quotes."""

    def __init__(self, text: str):
        self.text = text
        self.lines = text.splitlines()

    @cached_property
    def _plain(self) -> str:
        return normalise(self.text)

    @cached_property
    def _joined(self) -> str:
        return normalise(_BROKEN_WORD.sub(r"\1\2", self.text))

    def find(self, quote: str) -> bool:
        q = normalise(quote)
        if q in self._plain or q in self._joined:
            return True
        return normalise(_BROKEN_WORD.sub(r"\1\2", quote.replace(" ", "\n"))) in self._joined

    def near_line(self, quote: str, line: int, slack: int = 3) -> bool:
        """Whether the quote starts within `slack` lines of `line` (1-based)."""
        lo = max(0, line - 1 - slack)
        window = SourceText("\n".join(self.lines[lo : line + slack + 40]))
        head = normalise(quote)[:60]
        return window.find(head)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can."""

    file: str
    focus: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.focus}: {self.message}"


def relation_properties(g: rdflib.Graph) -> set[rdflib.URIRef]:
    """nv:relation and every property below it (these need their own evidence)."""
    return set(g.transitive_subjects(RDFS.subPropertyOf, NV.relation))


def check_evidence(g: rdflib.Graph, sources_dir: Path, where, name) -> list[Problem]:
    """Every quote is in its source; every relation has evidence and every statement its triple.

    `where(node)` names the file a node is defined in; `name(node)` shortens a term.
    """
    problems: list[Problem] = []
    texts: dict[rdflib.term.Node, SourceText | None] = {}
    for doc in g.subjects(RDF.type, NV.SourceDocument):
        fname = g.value(doc, NV.sourceFile)
        path = sources_dir / str(fname) if fname else None
        if path is None or not path.is_file():
            problems.append(Problem(where(doc), name(doc), f"source file {fname or '(none given)'} not found in {sources_dir.name}/"))
            texts[doc] = None
        else:
            texts[doc] = SourceText(path.read_text(encoding="utf-8"))

    for ev, quote in g.subject_objects(NV.quote):
        about = describe_evidence(g, ev, name)
        src = g.value(ev, NV.source)
        if src is None:
            continue  # SHACL reports the missing source
        if src not in texts:
            problems.append(Problem(where(ev), about, f"nv:source {name(src)} is not a known nv:SourceDocument"))
            continue
        text = texts[src]
        if text is None:
            continue
        if not text.find(str(quote)):
            problems.append(Problem(where(ev), about, f"quote not found in {name(src)}: «{normalise(str(quote))[:120]}»"))
            continue
        line = g.value(ev, NV.line)
        if line is not None and not text.near_line(str(quote), int(line)):
            problems.append(Problem(where(ev), about, f"quote is in {name(src)} but not at line {line}", "warning"))

    relations = relation_properties(g)
    # Links between reference entities (municipality in its county's group) are evidenced
    # by the SCB dataset, not by quotes.
    datasets = set(g.subjects(RDF.type, NV.ReferenceDataset))
    referenced = {s for s, d in g.subject_objects(DCTERMS.source) if d in datasets}
    evidenced = {
        (s, p, o)
        for st, s in g.subject_objects(RDF.subject)
        if g.value(st, NV.quote) is not None
        for p in [g.value(st, RDF.predicate)]
        for o in [g.value(st, RDF.object)]
    }
    for p in relations:
        for s, o in g.subject_objects(p):
            if (s, p, o) not in evidenced and not (s in referenced and o in referenced):
                problems.append(Problem(where(s), f"{name(s)} {name(p)} {name(o)}", "relation has no evidence statement (rdf:subject/rdf:predicate/rdf:object with nv:source and nv:quote)"))
    for s, p, o in evidenced:
        if (s, p, o) not in g:
            problems.append(Problem(where(s), f"{name(s)} {name(p)} {name(o)}", "evidence statement for a triple that the data does not state"))
        elif p not in relations:
            problems.append(Problem(where(s), f"{name(s)} {name(p)} {name(o)}", f"{name(p)} is not a relation (not a sub-property of nv:relation)", "warning"))
    return problems


def describe_evidence(g: rdflib.Graph, ev, name) -> str:
    """`entity` or `s p o` that an evidence node supports, for messages."""
    s = g.value(ev, RDF.subject)
    if s is not None:
        return f"{name(s)} {name(g.value(ev, RDF.predicate))} {name(g.value(ev, RDF.object))}"
    owner = g.value(predicate=NV.evidence, object=ev)
    return name(owner) if owner is not None else name(ev)
