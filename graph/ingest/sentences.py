"""A document's sentences, each with its offsets, and verbatim quotes with the line they start on.

>>> doc = Document("Rubrik\\n\\nVälfärdsrådet består av\\nregionen och kommunerna. Nästa mening.\\n")
>>> [s.text for s in doc.sentences]
['Rubrik', 'Välfärdsrådet består av regionen och kommunerna.', 'Nästa mening.']
>>> [s.text for s in Document("En lång rad som fortsätter efter en tom rad i en dubbelradig text av\\n\\nRegion "
...                            "Dalarna.\\n\\nRubrik\\n\\nText.").sentences]
['En lång rad som fortsätter efter en tom rad i en dubbelradig text av Region Dalarna.', 'Rubrik', 'Text.']
>>> doc.quote(doc.sentences[1], 0, 13)
(3, 'Välfärdsrådet består av regionen och kommunerna.')
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from ..evidence import normalise

MAX_QUOTE = 300  # characters (data/CURATION.md: a quote is normally under 300 characters)
_SHORT_LINE = 60  # a line shorter than this before a blank line ends its sentence (a heading, a paragraph's end)
BULLETS = "•▪●\uf076\uf0a7\uf0b7\uf0d8\\-–—*"  # the private-use ones: bullets of PDF symbol fonts
_BULLET_START = re.compile(rf"\s*(?:[{BULLETS}]|\d+[.)])\s")
_BREAK = re.compile(
    rf"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9{BULLETS}\"”])|\n\s*\n|\n(?=\s*(?:[{BULLETS}]|\d+[.)])\s)"
    r"|(?P<line>\n)(?=[ \t]*[A-ZÅÄÖ0-9])"
)
_HEADING_LINE = 40  # a line shorter than this, without a sentence's end, over a capital is a heading
_NUMBERED = re.compile(r"\d+(?:\.\d+)*\.?\s+[A-ZÅÄÖ][^.!?]*")  # "2.3 Svar på rekommendation om …"


def _ends(line: str) -> bool:
    """Whether a line is blank or ends a sentence or a list's lead."""
    return not line.strip() or line.rstrip().endswith((".", ":", "!", "?"))


@dataclass(frozen=True)
class Sentence:
    """A sentence: its start and end offsets in the document and its text (whitespace collapsed)."""

    start: int
    end: int
    raw: str

    @property
    def text(self) -> str:
        """The sentence with every run of whitespace as one space."""
        return normalise(self.raw)


class Document:
    """The text of a source document (one string, lines as in the file)."""

    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def _breaks(self):
        """Where sentences end: a stop before a capital, a list item, a heading's line (short, or numbered,
        without a sentence's end, over a line that begins with a capital), and a blank line unless the text
        runs on across it (a long line, then a lower-case word: a double-spaced conversion of a PDF)."""
        for m in _BREAK.finditer(self.text):
            if m.group("line"):  # one line break before a capital: only after a heading's line
                above = self.text[max(0, m.start() - 400) : m.start()].split("\n")
                line = above[-1].strip()
                if (
                    not line
                    or line.endswith((".", "!", "?", ",", ";", "-", "–"))
                    or not (len(line) < _HEADING_LINE or _NUMBERED.fullmatch(line) and len(line.split()) <= 12)
                ):
                    continue
                # a heading starts its paragraph (the line above it, or the one above that, is blank or ends
                # one), or the short line is a whole list item ("• Mobila verksamheter" over a sub-heading)
                if (
                    not any(len(above) < k or _ends(above[-k]) for k in (2, 3))
                    and not _BULLET_START.match(line)
                    and not (len(above) >= 2 and len(above[-2].strip()) < _HEADING_LINE)
                ):
                    continue  # (a short line under a short line: the last line of a heading over two lines)
            if "\n" in m.group() and m.group().count("\n") >= 2:
                before = self.text[: m.start()].rsplit("\n", 1)[-1].rstrip()
                after = self.text[m.end() : m.end() + 1]
                runs_on = not before.endswith((".", "!", "?", ":")) and len(before) >= _SHORT_LINE
                if after.islower() or runs_on and not _BULLET_START.match(self.text, m.end()):
                    continue
            yield m

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The sentences in order (see `_breaks`)."""
        out, pos = [], 0
        for m in [*self._breaks(), None]:
            end = m.start() if m else len(self.text)
            raw = self.text[pos:end]
            lead = len(raw) - len(raw.lstrip())
            if raw.strip():
                out.append(Sentence(pos + lead, pos + len(raw.rstrip()), raw.strip()))
            pos = m.end() if m else end
        return out

    def line_of(self, offset: int) -> int:
        """The 1-based line of a character offset."""
        return bisect.bisect_right(self.line_starts, offset)

    def quote(self, sentence: Sentence, lo: int, hi: int) -> tuple[int, str]:
        """(line, quote) for the span lo..hi (offsets inside the sentence's raw text): the whole sentence,
        or the clauses around the span when the sentence is longer than MAX_QUOTE characters."""
        raw = sentence.raw
        start, end = 0, len(raw)
        if len(normalise(raw)) > MAX_QUOTE:
            cuts = [m.end() for m in re.finditer(r"[,;:]\s", raw)]
            start = max([c for c in cuts if c <= lo], default=0)
            end = min([c - 2 for c in cuts if c - 2 >= hi], default=len(raw))
            if len(normalise(raw[start:end])) > MAX_QUOTE:
                start, end = max(0, lo - 120), min(len(raw), hi + 120)
                while start > 0 and not raw[start - 1].isspace():
                    start += 1
                while end < len(raw) and not raw[end].isspace():
                    end -= 1
        text = raw[start:end].strip()
        first = start + (len(raw[start:end]) - len(raw[start:end].lstrip()))
        return self.line_of(sentence.start + first), normalise(text)
