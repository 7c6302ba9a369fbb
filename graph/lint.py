"""Lint: the model-version-2 rules that SHACL cannot say well, each problem with file and line.

- Two relations between one subject–object pair whose properties the ontology declares
  `owl:propertyDisjointWith` (a part is not a member): error. Any other pair with two or more
  `nv:relation` sub-properties: warning (keep both only where the source states both).
- `nv:collaboratesWith` is stored once, with the subject's IRI sorting before the object's (the
  inverse is derived by queries/derive/30-symmetric.rq): both directions, or the wrong order, is
  an error.
- A relation statement's quote states the relation: fewer than `MIN_RELATION_QUOTE_WORDS`
  words is an error, and so is a quote that is a heading (a whole source line of at most
  `HEADING_MAX_WORDS` words with no sentence punctuation at its end, or text such as
  "Rekommendation 3" or "Exempel på …"). A statement with `nv:basis nv:basis-layout` rests on a
  heading by design: its `nv:heading` holds the heading, and its quote must not be that heading.

Locations are found by reading the Turtle text: the `rdf:subject … rdf:predicate … rdf:object …`
statement block of a triple, else the triple itself, else the subject's first block.

>>> count_words("Regiondirektör")
1
>>> looks_like_heading("Rekommendation 3")
True
>>> looks_like_heading("Regionen och kommunerna har en gemensam styrgrupp.")
False
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cached_property
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS

from .evidence import Problem, normalise, relation_properties
from .namespaces import NV, shorten
from .project import Project

#: The one threshold for relation quotes (model version 2): fewer words than this is an error.
#: graph/evidence.py's length checks on every quote (entity and relation) are separate.
MIN_RELATION_QUOTE_WORDS = 4
#: A whole source line this short, with no sentence punctuation at its end, is taken as a heading.
HEADING_MAX_WORDS = 8
#: Text that is a heading whatever the source line looks like (matched on the normalised quote).
HEADING_PATTERNS = (
    re.compile(r"^Rekommendation\s+\d+\s*[:.]?$", re.I),
    re.compile(r"^Exempel på\b(?!.*[.!?]$)", re.I),
    re.compile(r"^\d+(\.\d+)*\.?\s+[A-ZÅÄÖ](?!.*[.!?]$)"),  # "3.2 Samverkan med kommunerna"
)
EXEMPEL_MAX_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


_WORD_CHAR = re.compile(r"\w")


def count_words(text: str) -> int:
    """Words in a quote (runs of non-space characters with a letter or digit)."""
    search = _WORD_CHAR.search
    return sum(1 for w in text.split() if search(w))  # split() collapses whitespace as normalise() does


def looks_like_heading(quote: str) -> bool:
    """Whether the quote's text alone has the form of a heading (HEADING_PATTERNS)."""
    q = normalise(quote)
    for pattern in HEADING_PATTERNS:
        if pattern.search(q):
            if pattern is HEADING_PATTERNS[1] and count_words(q) > EXEMPEL_MAX_WORDS:
                continue
            if pattern is HEADING_PATTERNS[2] and count_words(q) > HEADING_MAX_WORDS:
                continue
            return True
    return False


class Locator:
    """Lines of subjects and statements in the project's Turtle data files."""

    def __init__(self, project: Project, files: list[Path] | None = None):
        self.project = project
        self.files = files if files is not None else project.data_files()

    @cached_property
    def texts(self) -> list[tuple[str, str]]:
        """(path relative to the project, text) of every data file searched, read once."""
        return [(self.project.relative(p), p.read_text(encoding="utf-8")) for p in self.files]

    @staticmethod
    def forms(term) -> str:
        """A regex matching `term` as written in Turtle: prefixed name or <IRI>."""
        iri = str(term)
        alts = [re.escape(f"<{iri}>")]
        short = shorten(iri)
        if short != iri:
            alts.append(re.escape(short) + r"(?![\w:%-]|\.[\w-])")
        if iri == str(RDF.type):
            alts.append(r"\ba\b")
        return "(?:" + "|".join(alts) + ")"

    @staticmethod
    def _line(text: str, offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    def statement(self, s, p, o) -> tuple[str, int] | None:
        """Where the evidence statement of (s, p, o) is, else the triple, else the subject."""
        fs, fp, fo = self.forms(s), self.forms(p), self.forms(o)
        patterns = [
            rf"rdf:subject\s+{fs}\s*;\s*rdf:predicate\s+{fp}\s*;\s*rdf:object\s+{fo}",
            rf"(?m)^\s*{fs}\s+{fp}\s+(?:[^;.\n]*,\s*)?{fo}",
        ]
        for pattern in patterns:
            for rel, text in self.texts:
                m = re.search(pattern, text)
                if m:
                    return rel, self._line(text, m.start())
        return self.subject(s)

    def statements(self, s, p, o) -> list[tuple[str, int]]:
        """Every evidence statement block of (s, p, o), in file order."""
        fs, fp, fo = self.forms(s), self.forms(p), self.forms(o)
        pattern = re.compile(rf"rdf:subject\s+{fs}\s*;\s*rdf:predicate\s+{fp}\s*;\s*rdf:object\s+{fo}")
        return [(rel, self._line(text, m.start())) for rel, text in self.texts for m in pattern.finditer(text)]

    def subject(self, s) -> tuple[str, int] | None:
        """The first line that starts with `s` (its block), else its first mention."""
        fs = self.forms(s)
        for pattern in (rf"(?m)^{fs}\s", fs):
            for rel, text in self.texts:
                m = re.search(pattern, text)
                if m:
                    return rel, self._line(text, m.start())
        return None

    def quote(self, statement_at: tuple[str, int] | None, quote: str) -> tuple[str, int] | None:
        """The line of `quote` in the file of a statement, at or after the statement's line."""
        if statement_at is None:
            return None
        rel, line = statement_at
        text = dict(self.texts)[rel]
        needle = normalise(quote)[:40].replace("\\", "\\\\").replace('"', '\\"')
        words = [re.escape(w) for w in needle.split()[:-1] or needle.split()]
        if not words:
            return statement_at
        pattern = re.compile(r"nv:quote\s+(?:\"\"\"|\"|\'\'\'|\')\s*" + r"\s+".join(words))
        best = None
        for m in pattern.finditer(text):
            at = self._line(text, m.start())
            if at >= line and (best is None or at < best):
                best = at
        return (rel, best) if best is not None else statement_at


def _where(at: tuple[str, int] | None, fallback: str) -> tuple[str, int]:
    """(file, line) of a located statement; line 0 when it could not be found."""
    if at is None:
        return fallback, 0
    return at[0], at[1]


def disjoint_pairs(g: rdflib.Graph) -> set[frozenset]:
    """Pairs of properties declared owl:propertyDisjointWith, with their sub-properties."""
    pairs = set()
    for a, b in g.subject_objects(OWL.propertyDisjointWith):
        for sa in g.transitive_subjects(RDFS.subPropertyOf, a):
            for sb in g.transitive_subjects(RDFS.subPropertyOf, b):
                pairs.add(frozenset((sa, sb)))
    return pairs


def lint(g: rdflib.Graph, project: Project, locator: Locator | None = None) -> list[Problem]:
    """Every lint problem in the data graph `g` (ontology included), located in project's files."""
    loc = locator or Locator(project)
    name = lambda n: shorten(str(n))  # noqa: E731
    problems: list[Problem] = []
    relations = relation_properties(g)

    # (a) several relations between one pair
    disjoint = disjoint_pairs(g)
    by_pair: dict[tuple, set] = defaultdict(set)
    for p in relations:
        for s, o in g.subject_objects(p):
            by_pair[(s, o)].add(p)
    for (s, o), props in sorted(by_pair.items()):
        if len(props) < 2:
            continue
        ordered = sorted(props)
        clashes = [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if frozenset((a, b)) in disjoint]
        for a, b in clashes:
            file, at = _where(loc.statement(s, b, o), "(graph)")
            problems.append(
                Problem(
                    file,
                    f"{name(s)} {name(a)} + {name(b)} {name(o)}",
                    f"{name(a)} and {name(b)} never hold together (owl:propertyDisjointWith); "
                    "keep the one the source states",
                    line=at,
                )
            )
        if not clashes:
            file, at = _where(loc.statement(s, ordered[1], o), "(graph)")
            problems.append(
                Problem(
                    file,
                    f"{name(s)} → {name(o)}",
                    f"{len(props)} relations between one pair ({', '.join(name(p) for p in ordered)}): "
                    "keep both only where the source states both",
                    "warning",
                    at,
                )
            )

    # (b) collaboratesWith once, subject IRI first
    cw = NV.collaboratesWith
    for s, o in sorted(g.subject_objects(cw)):
        if str(s) <= str(o):
            continue
        file, at = _where(loc.statement(s, cw, o), "(graph)")
        if (o, cw, s) in g:
            msg = (
                "nv:collaboratesWith is stated in both directions: "
                f"keep only {name(o)} nv:collaboratesWith {name(s)} (the inverse is derived)"
            )
        else:
            msg = (
                "nv:collaboratesWith is stored with the subject IRI sorting first: "
                f"write {name(o)} nv:collaboratesWith {name(s)}"
            )
        problems.append(Problem(file, f"{name(s)} nv:collaboratesWith {name(o)}", msg, line=at))

    # (c) relation quotes: long enough, and not a heading
    lines_of = _source_lines(g, project)
    for st in sorted(set(g.subjects(RDF.subject, None))):
        quote = g.value(st, NV.quote)
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        if quote is None or p not in relations:
            continue
        focus = f"{name(s)} {name(p)} {name(o)}"
        q = normalise(str(quote))
        problem_at = None
        messages = []
        words = count_words(q)
        if words < MIN_RELATION_QUOTE_WORDS:
            messages.append(
                f"quote has {words} word(s), fewer than {MIN_RELATION_QUOTE_WORDS}: "
                f"quote the sentence that states the relation «{q}»"
            )
        if g.value(st, NV.basis) == NV["basis-layout"]:
            heading = g.value(st, NV.heading)
            if heading is not None and _bare(q) == _bare(str(heading)):
                messages.append(
                    f"with nv:basis nv:basis-layout the quote is the subject's own sentence, not the heading «{q}»"
                )
        elif looks_like_heading(q) or _whole_heading_line(q, lines_of.get(g.value(st, NV.source), set())):
            messages.append(
                f"quote is a heading, not the sentence that states the relation «{q}» (if the link rests on the "
                "layout, add nv:basis nv:basis-layout with nv:heading and nv:headingLine)"
            )
        if messages:
            problem_at = problem_at or loc.quote(_statement_for(loc, s, p, o, st, g), q)
            file, at = _where(problem_at, "(graph)")
            for m in messages:
                problems.append(Problem(file, focus, m, line=at))
    return problems


def _statement_for(loc: Locator, s, p, o, st, g) -> tuple[str, int] | None:
    """The statement block of `st` (several statements of one triple: the one whose quote follows)."""
    blocks = loc.statements(s, p, o)
    if not blocks:
        return loc.statement(s, p, o)
    if len(blocks) == 1:
        return blocks[0]
    q = normalise(str(g.value(st, NV.quote)))
    for block in blocks:
        found = loc.quote(block, q)
        if found and found[0] == block[0] and 0 <= found[1] - block[1] <= 3:
            return block
    return blocks[0]


def _bare(text: str) -> str:
    return normalise(text).rstrip(" :.").casefold()


def _source_lines(g: rdflib.Graph, project: Project) -> dict:
    """Each source document's short lines (normalised, trailing colon dropped), for heading checks."""
    out = {}
    for doc in g.subjects(RDF.type, NV.SourceDocument):
        fname = g.value(doc, NV.sourceFile)
        path = project.sources_dir / str(fname) if fname else None
        if path is None or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # reported by graph/evidence.py, naming the file
            continue
        out[doc] = {
            _bare(line)
            for line in text.splitlines()
            if line.strip() and count_words(line) <= HEADING_MAX_WORDS and not _SENTENCE_END.search(line)
        }
    return out


#: A decision reference or a full date makes a short line a statement, not a heading
#: ("Svaret är fastställt av regionstyrelsen 2025-03-25—26 § 39").
_STATEMENT_MARK = re.compile(r"§\s*\d|\b\d{4}-\d{2}-\d{2}\b")


def _whole_heading_line(quote: str, short_lines: set[str]) -> bool:
    """The quote is a whole short source line with no sentence punctuation at its end.

    >>> _whole_heading_line("Svaret är fastställt av regionstyrelsen 2025-03-25—26 § 39", {"x"})
    False
    """
    if _STATEMENT_MARK.search(quote):
        return False
    return count_words(quote) <= HEADING_MAX_WORDS and not _SENTENCE_END.search(quote) and _bare(quote) in short_lines


def lint_problems(g: rdflib.Graph, project: Project) -> list[Problem]:
    """The hook for graph.validate: lint problems of the project's data."""
    return lint(g, project)
