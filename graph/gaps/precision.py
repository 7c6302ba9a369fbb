"""Precision of the gap list against a labelled set: rows a careful reader of the sources judged
`useful`, `trivial` or `wrong`, each with the source line that decides it
(`tests/data/gap-labels.tsv`: region, question, focus, other, verdict, source, line, reason).

A row is matched by what it finds, `Gap.key` = (question, focus, other); a label given for a
pair also judges a one-per-focus row of the same question when all labels of that focus agree.
Precision counts `useful` among the judged rows; rows nobody judged are counted and shown, never
guessed.

>>> labels = {("x", "nvr:f", ""): Label("useful", "004", 12, "")}
>>> from .model import Gap
>>> r = score([Gap("nvr:r", "nvr:f", "F", None, "", "rule", "x", None, "why")], labels)
>>> r.overall, r.judged, r.unjudged
(1.0, 1, 0)
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NaravardError
from .model import Gap

#: The verdicts, from best to worst.
VERDICTS = ("useful", "trivial", "wrong")
COLUMNS = ("region", "question", "focus", "other", "verdict", "source", "line", "reason")
#: Precision@k per region uses the first K rows of each region.
K = 10


@dataclass(frozen=True)
class Label:
    """One judgement: the verdict, the deciding source (000–004) and line, and why."""

    verdict: str
    source: str
    line: int
    reason: str


def load_labels(path: Path) -> dict[tuple[str, str, str], Label]:
    """The labelled set at `path` (tab-separated, header `COLUMNS`); a bad row is an error that
    names the file and line."""
    out: dict[tuple[str, str, str], Label] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise NaravardError(f"cannot read the labelled set {path}: {err.strerror or err}") from None
    reader = csv.reader(text.splitlines(), delimiter="\t")
    header = next(reader, None)
    if tuple(header or ()) != COLUMNS:
        raise NaravardError(f"{path}:1: the header must be {' '.join(COLUMNS)}")
    for n, row in enumerate(reader, 2):
        if not row:
            continue
        if len(row) != len(COLUMNS):
            raise NaravardError(f"{path}:{n}: {len(row)} columns, expected {len(COLUMNS)}")
        r = dict(zip(COLUMNS, row, strict=True))
        if r["verdict"] not in VERDICTS:
            raise NaravardError(f"{path}:{n}: verdict {r['verdict']!r} is not one of {', '.join(VERDICTS)}")
        if not r["line"].isdigit():
            raise NaravardError(f"{path}:{n}: line {r['line']!r} is not a number")
        out[(r["question"], r["focus"], r["other"])] = Label(r["verdict"], r["source"], int(r["line"]), r["reason"])
    return out


def verdict(gap: Gap, labels: dict[tuple[str, str, str], Label]) -> Label | None:
    """The label that judges `gap`, or None.

    >>> wrong = Label("wrong", "004", 1, "")
    >>> labels = {("q", "nvr:f", "nvr:a"): wrong, ("q", "nvr:f", "nvr:b"): wrong}
    >>> verdict(Gap("nvr:r", "nvr:f", "F", None, "", "rule", "q", None, "why"), labels).verdict
    'wrong'
    """
    key = gap.key
    if key in labels:
        return labels[key]
    q, focus, other = key
    if other:
        return labels.get((q, focus, ""))
    same = [lab for (lq, lf, _), lab in labels.items() if lq == q and lf == focus]
    if same and len({lab.verdict for lab in same}) == 1:
        return same[0]
    return None


@dataclass
class Precision:
    """Precision of a gap list: overall, per kind, per question (rule), and at K per region,
    over the judged rows; `unjudged` rows are counted apart."""

    overall: float | None
    judged: int
    unjudged: int
    verdicts: Counter = field(default_factory=Counter)
    by_kind: dict[str, tuple[float | None, int]] = field(default_factory=dict)
    by_question: dict[str, tuple[float | None, int]] = field(default_factory=dict)
    at_k: dict[str, tuple[float | None, int]] = field(default_factory=dict)

    @property
    def mean_at_k(self) -> float | None:
        """Mean of precision@K over the regions with a judged row in their first K."""
        vals = [p for p, _ in self.at_k.values() if p is not None]
        return sum(vals) / len(vals) if vals else None

    def table(self) -> list[dict]:
        """One row per measure (for `--format json|csv`)."""
        out = [{"scope": "overall", "name": "", "precision": self.overall, "judged": self.judged}]
        out += [{"scope": "kind", "name": k, "precision": p, "judged": n} for k, (p, n) in self.by_kind.items()]
        out += [{"scope": "rule", "name": k, "precision": p, "judged": n} for k, (p, n) in self.by_question.items()]
        out += [{"scope": f"precision@{K}", "name": r, "precision": p, "judged": n} for r, (p, n) in self.at_k.items()]
        return out


def _share(vs: list[str]) -> tuple[float | None, int]:
    return (sum(v == "useful" for v in vs) / len(vs) if vs else None, len(vs))


def score(gaps: list[Gap], labels: dict[tuple[str, str, str], Label]) -> Precision:
    """Precision of the ranked `gaps` against `labels` (see the module's docstring)."""
    judged = [(g, verdict(g, labels)) for g in gaps]
    known = [(g, lab.verdict) for g, lab in judged if lab]
    by_kind: dict[str, list[str]] = {}
    by_question: dict[str, list[str]] = {}
    by_region: dict[str, list[Gap]] = {}
    for g, v in known:
        by_kind.setdefault(g.kind, []).append(v)
        by_question.setdefault(g.key[0], []).append(v)
    for g in gaps:
        by_region.setdefault(g.region, []).append(g)
    at_k = {}
    for reg, rows in sorted(by_region.items()):
        vs = [lab.verdict for lab in (verdict(g, labels) for g in rows[:K]) if lab]
        at_k[reg] = _share(vs)
    overall, n = _share([v for _, v in known])
    return Precision(
        overall,
        n,
        len(gaps) - n,
        Counter(v for _, v in known),
        {k: _share(v) for k, v in sorted(by_kind.items())},
        {k: _share(v) for k, v in sorted(by_question.items())},
        at_k,
    )
