"""Text from a PDF or a text file, with stable lines: page furniture dropped, hyphenated words joined.

A line that recurs on most pages (a running header or footer) and a line that is only a page
number ("3", "Sida 3 av 9", "- 3 -") are dropped; a word split across two lines with a hyphen
("sam-" / "verkan") is joined on the first line, while "hälso- och" keeps its hyphen.

>>> clean_pages(["Rapport 2024\\nVi har en sam-\\nverkansgrupp.\\n1", "Rapport 2024\\nHälso- och\\nsjukvård.\\n2"])
'Vi har en samverkansgrupp.\\nHälso- och\\nsjukvård.\\n'
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..errors import NaravardError

MIN_LETTERS = 40  # fewer letters than this in a whole PDF: no text layer (a scanned image)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:sida|page|s\.)\s*)?[-–]?\s*\d{1,4}\s*[-–]?\s*(?:(?:av|of|/)\s*\d{1,4})?\s*$", re.I
)
_SPLIT = re.compile(r"(\w)-$")
_KEEP_HYPHEN = re.compile(r"^(och|eller|samt|till|respektive|som)\b")


def read_document(path: Path) -> tuple[str, dict[str, str]]:
    """The cleaned text of `path` (`.pdf`, else read as UTF-8 text) and its metadata (title, date).

    An encrypted PDF, a PDF without a text layer, or a file that is neither raises NaravardError.
    """
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        pages, meta = _pdf_pages(path)
    else:
        try:
            pages, meta = path.read_text(encoding="utf-8").split("\f"), {}
        except (UnicodeDecodeError, OSError) as err:
            raise NaravardError(f"{path}: not a UTF-8 text file or a PDF ({err.__class__.__name__})") from None
    text = clean_pages(pages)
    if len(re.findall(r"[^\W\d_]", text)) < MIN_LETTERS:
        raise NaravardError(f"{path}: no text found (an image-only or scanned PDF?); run OCR on it first")
    return text, meta


def _pdf_pages(path: Path) -> tuple[list[str], dict[str, str]]:
    """The text of each page of a PDF (pdfminer.six) and its Title / CreationDate."""
    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError

    try:
        with open(path, "rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            if doc.encryption:
                raise NaravardError(f"{path}: the PDF is encrypted; save an unencrypted copy and ingest that")
            info = doc.info[0] if doc.info else {}
            count = sum(1 for _ in PDFPage.create_pages(doc))
        pages = [extract_text(path, page_numbers=[i]) for i in range(count)]
    except (PDFEncryptionError, PDFPasswordIncorrect):
        raise NaravardError(f"{path}: the PDF is encrypted; save an unencrypted copy and ingest that") from None
    except (PDFSyntaxError, OSError) as err:
        raise NaravardError(f"{path}: not a readable PDF ({err})") from None
    meta = {}
    for key, name in (("Title", "title"), ("CreationDate", "date")):
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-16" if value[:2] == b"\xfe\xff" else "latin-1", "replace")
        if value:
            meta[name] = str(value).strip()
    if "date" in meta:
        m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", meta["date"])
        meta["date"] = f"{m[1]}-{m[2]}-{m[3]}" if m else ""
    return pages, {k: v for k, v in meta.items() if v}


def clean_pages(pages: list[str]) -> str:
    """The pages' text as one string: furniture dropped, hyphenated words joined, blank runs collapsed."""
    page_lines = [[line.rstrip() for line in page.replace("\r", "").splitlines()] for page in pages]
    seen = Counter(line.strip() for lines in page_lines for line in set(lines) if line.strip())
    repeated = {line for line, n in seen.items() if len(pages) >= 2 and n >= max(2, (len(pages) + 1) // 2)}
    lines = [
        line
        for page in page_lines
        for line in page
        if not _PAGE_NUMBER.match(line) and line.strip() not in repeated and not line.strip().startswith("\f")
    ]
    lines = [line.replace("\xad", "") for line in lines]
    out: list[str] = []
    for line in lines:
        if out and _SPLIT.search(out[-1]) and line[:1].islower() and not _KEEP_HYPHEN.match(line):
            first, _, rest = line.partition(" ")
            out[-1] = out[-1][:-1] + first
            if not rest.strip():
                continue
            line = rest
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
