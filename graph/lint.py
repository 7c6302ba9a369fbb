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

import bisect
import hashlib
import re
from collections import defaultdict
from functools import cached_property, partial
from itertools import product
from pathlib import Path

from .evidence import (
    OBJECT,
    PREDICATE,
    QUOTE,
    SOURCE,
    SOURCE_DOCUMENT,
    SOURCE_FILE,
    SUBJECT,
    SUBPROPERTY_OF,
    Problem,
    check_code,
    normalise,
    relation_properties,
)
from .memo import Memo, digest
from .namespaces import PREFIXES, shorten
from .project import Project
from .triples import TYPE, Triples, iri, text as term_text

COLLABORATES_WITH, BASIS, BASIS_LAYOUT = iri("nv", "collaboratesWith"), iri("nv", "basis"), iri("nv", "basis-layout")
HEADING = iri("nv", "heading")
DISJOINT_WITH = iri("owl", "propertyDisjointWith")
_RDF_TYPE = PREFIXES["rdf"] + "type"

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


#: A term as a data file writes it: an <IRI>, or a prefixed name that ends where `Locator.forms`'s
#: look-ahead ends it (name characters, and dots followed by one).
_NAME = r"(?:[\w:%-]|\.(?=[\w-]))+"
_TERM = rf"<[^>]*>|{_NAME}"
_WRITTEN = re.compile(_TERM)
_BLOCK = re.compile(rf"rdf:subject\s+({_TERM})\s*;\s*rdf:predicate\s+({_TERM})\s*;\s*rdf:object\s+({_TERM})")
_LINE_START = re.compile(rf"(?m)^[^\S\n]*({_TERM})")
_QUOTE = re.compile(r"nv:quote\s+")
_SPACE = re.compile(r"\s*")


class _FileIndex:
    """One data file read in one pass: its statement blocks, the term that starts each line, and
    where each `nv:quote` is (by the first character of its text). Built on the first question."""

    def __init__(self, rel: str, text: str):
        self.rel, self.text = rel, text
        self.blocks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for m in _BLOCK.finditer(text):
            self.blocks[m.groups()].append(m.start())
        self.starts: dict[str, list[int]] = defaultdict(list)
        for m in _LINE_START.finditer(text):
            self.starts[m.group(1)].append(m.start(1))
        self.quotes: dict[str, list[int]] = defaultdict(list)
        for m in _QUOTE.finditer(text):
            at = m.end()
            for delimiter in ('"""', '"', "'''", "'"):  # the alternatives Locator.quote's pattern tries
                if text.startswith(delimiter, at):
                    first = _SPACE.match(text, at + len(delimiter)).end()
                    if first < len(text) and m.start() not in self.quotes[text[first]][-1:]:
                        self.quotes[text[first]].append(m.start())

    @cached_property
    def newlines(self) -> list[int]:
        return [m.start() for m in re.finditer("\n", self.text)]

    def line(self, offset: int) -> int:
        """The 1-based line of `offset` (as Locator._line counts it)."""
        return bisect.bisect_left(self.newlines, offset) + 1

    def offset(self, line: int) -> int:
        """Where 1-based `line` starts."""
        return 0 if line <= 1 else self.newlines[line - 2] + 1 if line - 2 < len(self.newlines) else len(self.text)

    def line_start(self, at: int) -> int:
        """Where a match of `(?m)^\\s*X` that reaches X at `at` starts: the first line start after the
        last non-space character before `at`."""
        before = at
        while before > 0 and self.text[before - 1].isspace():
            before -= 1
        return 0 if before == 0 else self.text.index("\n", before) + 1


class Locator:
    """Lines of subjects and statements in the project's Turtle data files.

    The files are read once and indexed in one pass each (`_FileIndex`); every question is then a
    look-up in the index, checked with the same regular expression a search of the whole file would
    use, so the answers are the ones such a search gives (bench/baseline/lint_locator.py keeps the
    searching version; tests/test_lint.py compares the two). A term whose written form the index
    cannot hold (a prefixed name with characters outside `_NAME`, rdf:type written `a`) is searched
    for as before.

    A file is indexed when a question needs it: for its first `FEW_QUESTIONS` questions, only the files
    whose text holds the subject as written (a plain substring search; a file without it has no entry
    for it in its index), so validation of a project with a few problems to locate indexes the files they
    are in, not all of them; then every file.
    """

    #: Questions answered from the files that hold the subject's text, before every file is indexed.
    FEW_QUESTIONS = 32

    def __init__(self, project: Project, files: list[Path] | None = None):
        self.project = project
        self.files = files if files is not None else project.data_files()
        self._subjects: dict = {}
        self._indexed: dict[int, _FileIndex] = {}
        self._questions = 0

    @cached_property
    def texts(self) -> list[tuple[str, str]]:
        """(path relative to the project, text) of every data file searched, read once."""
        return [(self.project.relative(p), p.read_text(encoding="utf-8")) for p in self.files]

    @property
    def index(self) -> list[_FileIndex]:
        """Every data file's index, in file order."""
        return [self._index(i) for i in range(len(self.texts))]

    def _index(self, i: int) -> _FileIndex:
        """The index of file number `i`, made on first use."""
        if i not in self._indexed:
            self._indexed[i] = _FileIndex(*self.texts[i])
        return self._indexed[i]

    @cached_property
    def _number(self) -> dict[str, int]:
        return {rel: i for i, (rel, _) in enumerate(self.texts)}

    def _holding(self, keys: list[str]) -> list[int]:
        """The numbers of the files whose index can hold an entry for one of `keys` (the written forms of a
        term): those whose text holds one, for the first `FEW_QUESTIONS` questions; then every file."""
        self._questions += 1
        if self._questions > self.FEW_QUESTIONS:
            return list(range(len(self.texts)))
        return [i for i, (_, text) in enumerate(self.texts) if any(k in text for k in keys)]

    @staticmethod
    def forms(term) -> str:
        """A regex matching `term` (a pyoxigraph or rdflib term) as written in Turtle: prefixed name or <IRI>."""
        iri = term_text(term)
        alts = [re.escape(f"<{iri}>")]
        short = shorten(iri)
        if short != iri:
            alts.append(re.escape(short) + r"(?![\w:%-]|\.[\w-])")
        if iri == _RDF_TYPE:
            alts.append(r"\ba\b")
        return "(?:" + "|".join(alts) + ")"

    @staticmethod
    def written(term) -> list[str] | None:
        """The index keys `forms(term)` matches (each as `_TERM` reads it), or None if it has no such keys."""
        iri = term_text(term)
        if iri == _RDF_TYPE:
            return None
        keys = [f"<{iri}>"]
        short = shorten(iri)
        if short != iri:
            keys.append(short)
        return keys if all(_WRITTEN.fullmatch(k) for k in keys) else None

    @staticmethod
    def _line(text: str, offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    def _search(self, pattern: str) -> tuple[str, int] | None:
        """The first match of `pattern` in the files, searched whole (terms the index cannot hold)."""
        for rel, text in self.texts:
            m = re.search(pattern, text)
            if m:
                return rel, self._line(text, m.start())
        return None

    def _blocks(self, s, p, o) -> list[tuple[int, int]] | None:
        """(file number, offset) of each statement block of (s, p, o) in file order; None: not indexable."""
        keys = self.written(s), self.written(p), self.written(o)
        if None in keys:
            return None
        return sorted(
            (i, at)
            for i in self._holding(keys[0])
            for key in product(*keys)
            for at in self._index(i).blocks.get(key, ())
        )

    def statement(self, s, p, o) -> tuple[str, int] | None:
        """Where the evidence statement of (s, p, o) is, else the triple, else the subject."""
        fs, fp, fo = self.forms(s), self.forms(p), self.forms(o)
        blocks = self._blocks(s, p, o)
        if blocks is None:
            found = self._search(rf"rdf:subject\s+{fs}\s*;\s*rdf:predicate\s+{fp}\s*;\s*rdf:object\s+{fo}")
            if found:
                return found
        elif blocks:
            i, at = blocks[0]
            return self._index(i).rel, self._index(i).line(at)
        triple = rf"(?m)^\s*{fs}\s+{fp}\s+(?:[^;.\n]*,\s*)?{fo}"
        keys = self.written(s)
        if keys is None:
            found = self._search(triple)
            if found:
                return found
        else:
            pattern = re.compile(triple)
            for ix in map(self._index, self._holding(keys)):
                for at in sorted(at for key in keys for at in ix.starts.get(key, ())):
                    start = ix.line_start(at)
                    if pattern.match(ix.text, start):
                        return ix.rel, ix.line(start)
        return self.subject(s)

    def statements(self, s, p, o) -> list[tuple[str, int]]:
        """Every evidence statement block of (s, p, o), in file order."""
        blocks = self._blocks(s, p, o)
        if blocks is not None:
            return [(self._index(i).rel, self._index(i).line(at)) for i, at in blocks]
        fs, fp, fo = self.forms(s), self.forms(p), self.forms(o)
        pattern = re.compile(rf"rdf:subject\s+{fs}\s*;\s*rdf:predicate\s+{fp}\s*;\s*rdf:object\s+{fo}")
        return [(rel, self._line(text, m.start())) for rel, text in self.texts for m in pattern.finditer(text)]

    def subject(self, s) -> tuple[str, int] | None:
        """The first line that starts with `s` (its block), else its first mention."""
        if s not in self._subjects:
            self._subjects[s] = self._subject(s)
        return self._subjects[s]

    def _subject(self, s) -> tuple[str, int] | None:
        fs = self.forms(s)
        keys = self.written(s)
        if keys is None:
            found = self._search(rf"(?m)^{fs}\s")
        else:
            found, pattern = None, re.compile(rf"(?m)^{fs}\s")
            for ix in map(self._index, self._holding(keys)):
                text = ix.text
                for at in sorted(at for key in keys for at in ix.starts.get(key, ())):
                    if (at == 0 or text[at - 1] == "\n") and pattern.match(text, at):
                        found = ix.rel, ix.line(at)
                        break
                if found:
                    break
        return found or self._search(fs)

    def quote(self, statement_at: tuple[str, int] | None, quote: str) -> tuple[str, int] | None:
        """The line of `quote` in the file of a statement, at or after the statement's line."""
        if statement_at is None:
            return None
        rel, line = statement_at
        ix = self._index(self._number[rel])
        needle = normalise(quote)[:40].replace("\\", "\\\\").replace('"', '\\"')
        raw = needle.split()[:-1] or needle.split()
        if not raw:
            return statement_at
        pattern = re.compile(r"nv:quote\s+(?:\"\"\"|\"|\'\'\'|\')\s*" + r"\s+".join(re.escape(w) for w in raw))
        candidates = ix.quotes.get(raw[0][0], [])
        for at in candidates[bisect.bisect_left(candidates, ix.offset(line)) :]:
            if pattern.match(ix.text, at):
                return rel, ix.line(at)
        return statement_at


def _where(at: tuple[str, int] | None, fallback: str) -> tuple[str, int]:
    """(file, line) of a located statement; line 0 when it could not be found."""
    if at is None:
        return fallback, 0
    return at[0], at[1]


def disjoint_pairs(g: Triples) -> set[frozenset]:
    """Pairs of properties declared owl:propertyDisjointWith, with their sub-properties."""
    pairs = set()
    for a, b in g.subject_objects(DISJOINT_WITH):
        for sa in g.transitive_subjects(SUBPROPERTY_OF, a):
            for sb in g.transitive_subjects(SUBPROPERTY_OF, b):
                pairs.add(frozenset((sa, sb)))
    return pairs


def lint(g: Triples, project: Project, locator: Locator | None = None, memo: Memo | None = None) -> list[Problem]:
    """Every lint problem in the data graph `g` (ontology included), located in project's files; the
    messages of each relation quote taken from `memo` when it holds them (`quote_messages`)."""
    loc = locator or Locator(project)
    name = lambda n: shorten(term_text(n))  # noqa: E731
    problems: list[Problem] = []
    relations = relation_properties(g)

    # (a) several relations between one pair
    disjoint = disjoint_pairs(g)
    by_pair: dict[tuple, set] = defaultdict(set)
    for p in relations:
        for s, o in g.subject_objects(p):
            by_pair[(s, o)].add(p)
    several = [(pair, props) for pair, props in by_pair.items() if len(props) > 1]
    for (s, o), props in sorted(several, key=lambda kv: (_key(kv[0][0]), _key(kv[0][1]))):
        ordered = sorted(props, key=term_text)
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
    cw = COLLABORATES_WITH
    for s, o in sorted(g.subject_objects(cw), key=lambda so: (_key(so[0]), _key(so[1]))):
        if term_text(s) <= term_text(o):
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

    # (c) relation quotes: long enough, and not a heading (each quote's messages from `memo` when it holds
    # those of the same quote, heading and source text)
    memo = memo if memo is not None else Memo()
    sources = Sources(g, project)
    value = _values(g, (SUBJECT, PREDICATE, OBJECT, QUOTE, BASIS, HEADING, SOURCE))
    for st in sorted(g.subjects(SUBJECT), key=_key):
        quote = value(st, QUOTE)
        s, p, o = value(st, SUBJECT), value(st, PREDICATE), value(st, OBJECT)
        if quote is None or p not in relations:
            continue
        q = normalise(quote.value)
        layout = value(st, BASIS) == BASIS_LAYOUT
        heading = value(st, HEADING) if layout else None
        heading = heading.value if heading is not None else None
        src = None if layout else value(st, SOURCE)
        key = hashlib.sha256(
            repr((check_code(), "relation quote", q, layout, heading, sources.digests.get(src))).encode()
        ).hexdigest()[:32]
        messages = memo.get(key, partial(quote_messages, q, layout, heading, partial(sources.short_lines, src)))
        if messages:
            problem_at = loc.quote(_statement_for(loc, s, p, o, st, g), q)
            file, at = _where(problem_at, "(graph)")
            focus = f"{name(s)} {name(p)} {name(o)}"
            for m in messages:
                problems.append(Problem(file, focus, m, line=at))
    return problems


def quote_messages(q: str, layout: bool, heading: str | None, short_lines) -> list[str]:
    """What is wrong with the normalised quote `q` of a relation statement (rule (c)): `layout` when the
    statement has nv:basis nv:basis-layout, `heading` its nv:heading; `short_lines()` gives its source's
    short lines (`Sources.short_lines`), asked only when needed.

    >>> quote_messages("Rekommendation 3", False, None, set)[1].startswith("quote is a heading")
    True
    """
    messages = []
    words = count_words(q)
    if words < MIN_RELATION_QUOTE_WORDS:
        messages.append(
            f"quote has {words} word(s), fewer than {MIN_RELATION_QUOTE_WORDS}: "
            f"quote the sentence that states the relation «{q}»"
        )
    if layout:
        if heading is not None and _bare(q) == _bare(heading):
            messages.append(
                f"with nv:basis nv:basis-layout the quote is the subject's own sentence, not the heading «{q}»"
            )
    elif looks_like_heading(q) or _whole_heading_line(q, short_lines()):
        messages.append(
            f"quote is a heading, not the sentence that states the relation «{q}» (if the link rests on the "
            "layout, add nv:basis nv:basis-layout with nv:heading and nv:headingLine)"
        )
    return messages


def _key(term) -> tuple:
    """A sort key for terms of any kind (pyoxigraph's terms do not order): the kind, then the text."""
    return (type(term).__name__, term_text(term))


def _values(g: Triples, predicates):
    """`value(node, predicate)`: `g.value(node, predicate)`, read for all nodes in one pass per predicate
    (a node with several values of one predicate is asked of the graph, so the answer is g.value's)."""
    one: dict = {}
    for p in predicates:
        seen: dict = {}
        for s, o in g.subject_objects(p):
            seen[s] = None if s in seen else o  # None: several values
        one[p] = seen

    def value(node, predicate):
        got = one[predicate].get(node, _NONE)
        if got is _NONE:
            return None
        return got if got is not None else g.value(node, predicate)

    return value


_NONE = object()


def _statement_for(loc: Locator, s, p, o, st, g: Triples) -> tuple[str, int] | None:
    """The statement block of `st` (several statements of one triple: the one whose quote follows)."""
    blocks = loc.statements(s, p, o)
    if not blocks:
        return loc.statement(s, p, o)
    if len(blocks) == 1:
        return blocks[0]
    q = normalise(g.value(st, QUOTE).value)
    for block in blocks:
        found = loc.quote(block, q)
        if found and found[0] == block[0] and 0 <= found[1] - block[1] <= 3:
            return block
    return blocks[0]


def _bare(text: str) -> str:
    return normalise(text).rstrip(" :.").casefold()


class Sources:
    """The source documents' texts (read once) and their SHA-256 (`digests`); their short lines on demand."""

    def __init__(self, g: Triples, project: Project):
        self.texts: dict = {}
        for doc in g.subjects(TYPE, SOURCE_DOCUMENT):
            fname = g.value(doc, SOURCE_FILE)
            path = project.sources_dir / fname.value if fname is not None and fname.value else None
            if path is None or not path.is_file():
                continue
            try:
                self.texts[doc] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:  # reported by graph/evidence.py, naming the file
                continue
        self.digests = {doc: digest(text.encode("utf-8")) for doc, text in self.texts.items()}
        self._short: dict = {}

    def short_lines(self, doc) -> set[str]:
        """The short lines of `doc`'s text (normalised, trailing colon dropped), for heading checks; none if
        it is not a source document with a readable text."""
        if doc not in self._short:
            text = self.texts.get(doc, "")
            self._short[doc] = {
                _bare(line)
                for line in text.splitlines()
                if line.strip() and count_words(line) <= HEADING_MAX_WORDS and not _SENTENCE_END.search(line)
            }
        return self._short[doc]


def _source_lines(g: Triples, project: Project) -> dict:
    """Each source document's short lines (normalised, trailing colon dropped), for heading checks."""
    sources = Sources(g, project)
    return {doc: sources.short_lines(doc) for doc in sources.texts}


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


def lint_problems(g: Triples, project: Project, memo: Memo | None = None) -> list[Problem]:
    """The hook for graph.validate: lint problems of the project's data."""
    return lint(g, project, memo=memo)
