"""graph/lint.py's Locator before it indexed the files (kept to compare with; not used by a build).

Each question searched every data file with a regular expression: time grew with problems × file
size (795 s for 1,128 problems at 10^6). tests/test_lint.py checks that the indexed Locator gives the
same files and lines as this one on the real data and on tests/fixtures/lint/locate.ttl.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from rdflib import RDF

from graph.evidence import normalise
from graph.namespaces import shorten
from graph.project import Project


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
