"""Check the evidence behind every fact: quotes are verbatim, relations are evidenced.

A quote matches its source after normalising whitespace (a line break is a space) and,
failing that, after joining words split by a line-break hyphen ("sjuk-\\nvård").

>>> normalise("hälso-  och\\n sjukvård")
'hälso- och sjukvård'
>>> SourceText("Vi har en lokal\\nsam-\\nverkansgrupp.").find("lokal samverkansgrupp")
True
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path

import pyoxigraph as ox

from .memo import Memo, digest
from .triples import TYPE, Triples, iri

SUBJECT, PREDICATE, OBJECT = iri("rdf", "subject"), iri("rdf", "predicate"), iri("rdf", "object")
LABEL, ALT_LABEL, SUBPROPERTY_OF = iri("rdfs", "label"), iri("skos", "altLabel"), iri("rdfs", "subPropertyOf")
DCTERMS_SOURCE = iri("dcterms", "source")
QUOTE, SOURCE, LINE, EVIDENCE = iri("nv", "quote"), iri("nv", "source"), iri("nv", "line"), iri("nv", "evidence")
RELATION, SOURCE_DOCUMENT, SOURCE_FILE = iri("nv", "relation"), iri("nv", "SourceDocument"), iri("nv", "sourceFile")
REFERENCE_DATASET = iri("nv", "ReferenceDataset")

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
        """Whether `quote` occurs in the text, with runs of whitespace as one space and words hyphenated
        across a line break joined."""
        q = normalise(quote)
        if q in self._plain or q in self._joined:
            return True
        return normalise(_BROKEN_WORD.sub(r"\1\2", quote.replace(" ", "\n"))) in self._joined

    @cached_property
    def _plain_lines(self) -> list[str]:
        return [normalise(line) for line in self.lines]

    def near_line(self, quote: str, line: int, slack: int = 3) -> bool:
        """Whether the quote starts within `slack` lines of `line` (1-based).

        The window's lines, normalised and joined by one space, are the window normalised (a line
        break is whitespace): that is tried first, from lines normalised once per document; the
        window as a text of its own (hyphenated words joined) only if the quote is not there.

        >>> SourceText("a\\n\\n  Vi har en \\n lokal sam-\\nverkansgrupp.").near_line("lokal samverkansgrupp", 4)
        True
        """
        lo, hi = max(0, line - 1 - slack), line + slack + 40
        head = normalise(quote)[:60]
        if head in " ".join(x for x in self._plain_lines[lo:hi] if x):
            return True
        return SourceText("\n".join(self.lines[lo:hi])).find(head)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can (`line` 0: unknown)."""

    file: str
    focus: str
    message: str
    severity: str = "error"
    line: int = 0

    @property
    def where(self) -> str:
        """`file:line`, or the file alone when the line is unknown."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.where}: {self.focus}: {self.message}"


_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]{3,}")


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased.

    >>> words("Hälso- och sjukvården.")
    ['hälso', 'och', 'sjukvården']
    """
    return [w.lower() for w in _WORD.findall(text)]


def quote_problem(quote: str, relation: bool, labels: set[str]) -> tuple[str, str] | None:
    """(severity, message) if `quote` is too thin to evidence anything, else None.

    A quote is real text: at least one word of three letters or more. An entity's
    quote of one word is allowed only when it is the entity's label (lists of goal
    areas quote just the label). How long a relation's quote must be is a model version 2
    rule, checked in one place: graph/lint.py (MIN_RELATION_QUOTE_WORDS).

    >>> quote_problem("   ", False, set())[0], quote_problem("och", False, set())[0]
    ('error', 'error')
    >>> quote_problem("Sjukhusledning.", False, {"Sjukhusledning"}) is None
    True
    >>> quote_problem("två ord", True, set()) is None  # length: graph/lint.py
    True
    """
    n = len(words(quote))
    if not _LETTERS.search(quote):
        return "error", f"quote is not real text (no word of three letters or more): «{quote}»"
    if relation:
        return None
    if n < 2 and words(quote) not in [words(label) for label in labels]:
        return "error", f"one-word quote «{quote}» is not the entity's label: quote the text that names it"
    return None


def relation_properties(g: Triples) -> set[ox.NamedNode]:
    """nv:relation and every property below it (these need their own evidence)."""
    return set(g.transitive_subjects(SUBPROPERTY_OF, RELATION))


def check_evidence(g: Triples, sources_dir: Path, where, name, locate=None, memo: Memo | None = None) -> list[Problem]:
    """Every quote is real text and in its source; every relation has evidence and every
    statement its triple.

    `where(node)` names the file a node is defined in; `name(node)` shortens a term;
    `locate(file, text)` gives the line of `text` in a data file (0 if unknown). What a quote's own
    checks found (`quote_verdict`) is taken from `memo` when it holds the verdict of the same quote,
    labels, source text and line (`verdict_key`).
    """
    locate = locate or (lambda file, text: 0)
    memo = memo if memo is not None else Memo()
    problems: list[Problem] = []
    texts: dict = {}
    digests: dict = {}  # source document → SHA-256 of its text
    for doc in g.subjects(TYPE, SOURCE_DOCUMENT):
        fname = g.value(doc, SOURCE_FILE)
        fname = fname.value if fname is not None else None
        path = sources_dir / fname if fname else None
        texts[doc] = None
        if path is None or not path.is_file():
            problems.append(
                Problem(
                    where(doc), name(doc), f"source file {fname or '(none given)'} not found in {sources_dir.name}/"
                )
            )
            continue
        try:
            raw = path.read_text(encoding="utf-8")
            texts[doc], digests[doc] = SourceText(raw), digest(raw.encode("utf-8"))
        except UnicodeDecodeError as err:
            problems.append(
                Problem(
                    f"{sources_dir.parent.name}/{sources_dir.name}/{fname}",
                    name(doc),
                    f"not UTF-8 text (byte {err.start}); convert the file to UTF-8",
                )
            )
        except OSError as err:
            problems.append(
                Problem(
                    f"{sources_dir.parent.name}/{sources_dir.name}/{fname}",
                    name(doc),
                    f"cannot read: {err.strerror or err}",
                )
            )

    for ev, quote_term in g.subject_objects(QUOTE):
        quote = quote_term.value
        relation = g.value(ev, SUBJECT) is not None
        owner = g.subject(EVIDENCE, ev)
        labels = sorted({x.value for p in (LABEL, ALT_LABEL) for x in g.objects(owner, p)}) if owner else []
        src, at = g.value(ev, SOURCE), g.value(ev, LINE)
        at = at.value if at is not None else None
        text = texts.get(src) if src is not None else None
        key = verdict_key(quote, relation, labels, digests.get(src) if text is not None else None, at)
        thin, found, near = memo.get(key, partial(quote_verdict, quote, relation, labels, text, at))
        if not (thin or src not in texts or found is False or near is False):
            continue
        about, file = describe_evidence(g, ev, name), where(ev)

        # A relation's problem points at its triple (found later from the focus), an entity's at the quote:
        # looked up only for a problem (a search of the whole data file per quote grew with the file
        # times the quotes: 380 s of validation at 10^5 triples).
        def line_of(relation=relation, file=file, quote=quote) -> int:
            return 0 if relation else locate(file, f'"{quote}"')

        if thin:
            problems.append(Problem(file, about, thin[1], thin[0], line_of()))
            if thin[0] == "error":
                continue
        if src is None:
            continue  # SHACL reports the missing source
        if src not in texts:
            problems.append(
                Problem(file, about, f"nv:source {name(src)} is not a known nv:SourceDocument", line=line_of())
            )
            continue
        if found is False:
            problems.append(
                Problem(file, about, f"quote not found in {name(src)}: «{normalise(quote)[:120]}»", line=line_of())
            )
        elif near is False:
            problems.append(Problem(file, about, f"quote is in {name(src)} but not at line {at}", "warning", line_of()))

    relations = relation_properties(g)
    # Links between reference entities (municipality in its county's group) are evidenced
    # by the SCB dataset, not by quotes.
    datasets = set(g.subjects(TYPE, REFERENCE_DATASET))
    referenced = {s for s, d in g.subject_objects(DCTERMS_SOURCE) if d in datasets}
    evidenced = {
        (s, p, o)
        for st, s in g.subject_objects(SUBJECT)
        if g.value(st, QUOTE) is not None
        for p in [g.value(st, PREDICATE)]
        for o in [g.value(st, OBJECT)]
    }
    for p in relations:
        for s, o in g.subject_objects(p):
            if (s, p, o) not in evidenced and not (s in referenced and o in referenced):
                problems.append(
                    Problem(
                        where(s),
                        f"{name(s)} {name(p)} {name(o)}",
                        "relation has no evidence statement "
                        "(rdf:subject/rdf:predicate/rdf:object with nv:source and nv:quote)",
                    )
                )
    for s, p, o in evidenced:
        if (s, p, o) not in g:
            problems.append(
                Problem(
                    where(s),
                    f"{name(s)} {name(p)} {name(o)}",
                    "evidence statement for a triple that the data does not state",
                )
            )
        elif p not in relations:
            problems.append(
                Problem(
                    where(s),
                    f"{name(s)} {name(p)} {name(o)}",
                    f"{name(p)} is not a relation (not a sub-property of nv:relation)",
                    "warning",
                )
            )
    return problems


def quote_verdict(quote: str, relation: bool, labels: list[str], text: SourceText | None, at: str | None) -> list:
    """What the checks of one quote find, as [quote_problem's (severity, message) or None, whether the
    quote is in its source text, whether it is near line `at`] (None: not checked: a thin quote that is
    an error, no readable source text, no line). A value JSON keeps, for the memo (`verdict_key`).

    >>> text = SourceText("a\\nVi har en lokal samverkansgrupp.")
    >>> quote_verdict("Vi har en lokal samverkansgrupp", False, [], text, "2"), quote_verdict("lokal", 1, [], text, "9")
    ([None, True, True], [None, True, False])
    >>> quote_verdict("och", False, [], None, None)[0][0]
    'error'
    """
    thin = quote_problem(quote, relation, set(labels))
    if (thin and thin[0] == "error") or text is None:
        return [list(thin) if thin else None, None, None]
    if not text.find(quote):
        return [list(thin) if thin else None, False, None]
    return [list(thin) if thin else None, True, None if at is None else text.near_line(quote, int(at))]


def verdict_key(quote: str, relation: bool, labels: list[str], source: str | None, at: str | None) -> str:
    """The memo key of `quote_verdict`: everything it reads (the source text by its SHA-256) and the code
    that checks (`check_code`)."""
    return hashlib.sha256(repr((check_code(), "quote", quote, relation, labels, source, at)).encode()).hexdigest()[:32]


@cache
def check_code() -> str:
    """A digest of the code whose results validation keeps between runs (the checks of quotes and the SHACL
    shapes: this module, graph/lint.py, graph/shacl.py, graph/validate.py and what they call)."""
    h = hashlib.sha256()
    for name in ("evidence.py", "lint.py", "namespaces.py", "shacl.py", "triples.py", "validate.py"):
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()


def describe_evidence(g: Triples, ev, name) -> str:
    """`entity` or `s p o` that an evidence node supports, for messages."""
    s = g.value(ev, SUBJECT)
    if s is not None:
        return f"{name(s)} {name(g.value(ev, PREDICATE))} {name(g.value(ev, OBJECT))}"
    owner = g.subject(EVIDENCE, ev)
    return name(owner) if owner is not None else name(ev)
