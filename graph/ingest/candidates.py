"""Candidates: actors (known or new) and relations found in a document, each with its evidence.

`propose` runs the three finders over the sentences: mentions of the graph's actors (gazetteer),
new actors by the name forms of ontology/ingest.toml, and relations by its cue phrases between
two actors of one sentence. Every candidate's quote is its sentence (or the clauses around the
match), so it is verbatim by construction, and its line is where the quote starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..evidence import normalise
from ..lint import HEADING_MAX_WORDS, MIN_RELATION_QUOTE_WORDS, count_words, looks_like_heading
from ..namespaces import NV, NVR
from .gazetteer import Gazetteer, key
from .rules import Rules
from .sentences import BULLETS, MAX_QUOTE, Document, Sentence


@dataclass(frozen=True)
class Evidence:
    """Where a candidate is stated: the line its quote starts on and the quote."""

    line: int
    quote: str


@dataclass
class Actor:
    """An actor candidate: a known entity (`known`) or a new one with guessed class, level and structure type."""

    iri: str
    label: str
    known: bool
    cls: str
    evidence: Evidence
    structure: str | None = None
    level: str | None = None
    acronym: str | None = None
    number: int | None = None  # an audit recommendation's number in the document, with its text
    text: str | None = None
    national: bool = False  # of no region (a law, a government bill)
    stated: Evidence | None = None  # a recommendation named by a heading: the sentence under it (its text)


@dataclass
class Relation:
    """A relation candidate between two actors, with the cue that stated it."""

    subject: str
    prop: str
    object: str
    evidence: Evidence
    cue: str  # the cue phrase as written ("" for a unit proposed as part of its region)
    basis: str | None = None  # nv:basis-context when no phrase states it, nv:basis-layout under a heading
    heading: Evidence | None = None  # with nv:basis-layout: the heading (or list lead) the quote stands under


@dataclass
class Candidates:
    """Everything proposed for one document."""

    actors: dict[str, Actor] = field(default_factory=dict)  # IRI → actor
    relations: dict[tuple[str, str, str], Relation] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """An actor named in a sentence: offsets in the sentence's raw text and the entity IRI."""

    lo: int
    hi: int
    iri: str


def slug(text: str) -> str:
    """An IRI slug as data/CURATION.md writes them.

    >>> slug("Välfärdsrådet i Dalarna (VR)")
    'valfardsradet-i-dalarna-vr'
    """
    text = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def propose(doc: Document, gaz: Gazetteer, rules: Rules, region: str | None) -> Candidates:
    """The candidates of `doc` for `region` (a slug; None for an overview of every region, whose sections
    start with a line that is a region's name)."""
    found = Candidates()
    region_iri = str(NVR[region]) if region else None
    sections = {} if region else _sections(doc, gaz)
    listing = None  # the list rule of the heading above, while its list lasts
    group = None  # (IRI, evidence) of the sub-heading the list's items stand under
    recs, measures = _Recommending(), _Measuring()
    listed = None  # the class of the items a plural noun of the sentence before announced
    lead = []  # what the lead of the list being read says of its items (see _lead)
    section = None  # (IRI, evidence) of the plan or project the last heading that named one names
    recent: dict[str, tuple[str, int]] = {}  # ending → (IRI, sentences ago) of the last body named with it
    defined: dict[str, str] = {}  # acronym → IRI of a new actor the document defined it for: "… (HSN)"
    for sentence in doc.sentences:
        if not region and doc.line_of(sentence.start) in sections:
            region_iri, section = sections[doc.line_of(sentence.start)], None
        bullet = _BULLET.match(sentence.raw)
        heading = not bullet and bool(_HEADING.fullmatch(sentence.text))
        if heading and rules.measure:
            measures.heading(sentence.text, rules)
        if not bullet and _HEADING.fullmatch(sentence.text):
            matching = next((r for r in rules.lists if r.heading.search(sentence.text)), None)
            if not matching and listing and region_iri and _sub_heading(doc, sentence, listing):
                group = _group(doc, sentence, found, listing, region_iri, gaz, rules)
            else:
                listing = matching or (listing if sentence.text.endswith(":") else None)  # a lead keeps it
                group = group if listing and not matching else None
            recs.listing = False
        spans = _known(sentence, gaz, region_iri, rules)
        if bullet and listing and region_iri:
            item = _list_item(doc, sentence, bullet.end(), spans, found, listing, region_iri, gaz, rules, group)
            for actor, rule, ev in lead if item else ():
                s, o = (item, actor) if rule.reverse else (actor, item)
                _layout(doc, sentence, s, rule.prop, o, ev, found, rules, gaz)
            if item and not group and section and rules.layout:
                _layout(doc, sentence, item, rules.layout, *section, found, rules, gaz)
        elif not bullet:
            lead = []
        if len(sentence.text) < 12:
            continue
        for span in spans:
            if span.iri not in found.actors and span.iri not in gaz.reference and gaz.home.get(span.iri) == region_iri:
                ev = _evidence(doc, sentence, span)
                _context(found, rules, span.iri, gaz.classes.get(span.iri, ""), region_iri, ev, gaz)
            if span.iri not in found.actors and span.iri not in gaz.reference:
                cls = gaz.classes.get(span.iri, "")
                found.actors[span.iri] = Actor(
                    span.iri, gaz.labels.get(span.iri, ""), True, cls, _evidence(doc, sentence, span)
                )
        if region_iri:
            spans += _named(doc, sentence, spans, found, rules, region_iri, gaz)
            if rules.enumeration:
                listed = _enumeration(doc, sentence, spans, found, rules, region_iri, gaz, listed)
            spans += _new(doc, sentence, spans, found, rules, region_iri, gaz)
            spans += _defined(sentence, spans, found, defined, region_iri)
        spans.sort(key=lambda s: s.lo)
        titled = spans and re.match(r"\s[–-]\s", sentence.raw[spans[0].hi :])  # "Strategi 1 - Förstärka …"
        if (heading or titled) and not bullet and spans and not re.search(r"\S", sentence.raw[: spans[0].lo]):
            cls = found.actors[spans[0].iri].cls if spans[0].iri in found.actors else ""
            if cls in (str(NV.Plan), str(NV.Project)):  # a heading that names a plan: "Strategi 1 - …"
                section = (spans[0].iri, Evidence(*doc.quote(sentence, 0, len(sentence.raw))))
        if region_iri and not bullet and listing and sentence.text.endswith(":"):
            lead = _lead(doc, sentence, spans, found, rules, gaz)
        if rules.coreference:
            _coreference(sentence, spans, found, rules, gaz, recent, region_iri)
        _relations(doc, sentence, spans, found, rules, gaz)
        if region_iri and rules.recommendation:
            _recommendations(doc, sentence, spans, found, rules, gaz, region_iri, recs)
        if region_iri and rules.measure:
            _measure(doc, sentence, spans, found, rules, gaz, region_iri, measures, recs.current, heading)
        measures.after_heading = heading
    if region and rules.signature:
        _signatures(doc, found, rules, region_iri, gaz)
    if measures.adopted:
        _decided(found, rules, measures)
    _drop_context(found)
    if rules.structure:
        _structures(found, rules)
    return found


def _structures(found: Candidates, rules: Rules) -> None:
    """A structure type for each new actor of `[structure]` classes without one: the first a word of its
    name gives, else the default (the shapes require one)."""
    classes, default = rules.structure
    for actor in found.actors.values():
        if not actor.known and actor.cls in classes and not actor.structure:
            words = re.findall(r"[\w-]+", actor.label)
            actor.structure = next((r.structure for w in words if (r := rules.actor_for(w)) and r.structure), default)


def _signatures(doc: Document, found: Candidates, rules: Rules, region_iri: str, gaz: Gazetteer) -> None:
    """People in a signature block (`[signature]` in ontology/ingest.toml) and the posts under their names."""
    lines = doc.text.splitlines()
    below = [next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None) for i in range(len(lines))]
    name, cls = rules.signature
    for i, line in enumerate(lines):
        names = re.split(r"\s{3,}", line.strip())
        if not line.strip() or below[i] is None or not all(name.fullmatch(n) for n in names):
            continue
        posts = re.split(r"\s{3,}", lines[below[i]].strip())
        if len(posts) != len(names) or any(
            getattr(rules.actor_for(p.split()[-1]), "cls", "") != str(NV.Post) for p in posts
        ):
            continue
        iris = []
        for j, text in [(i, name.fullmatch(n)["name"]) for n in names] + [(below[i], p) for p in posts]:
            iri = f"{region_iri}--{slug(text)}"
            iris.append(iri)
            if iri not in found.actors:
                ev = Evidence(j + 1, text)
                kind = cls if j == i else str(NV.Post)
                found.actors[iri] = _known_iri(gaz, iri, ev) or Actor(iri, text, False, kind, ev)
        block = normalise(doc.text[doc.line_starts[i] : doc.line_starts[below[i]] + len(lines[below[i]])])
        heading = Evidence(i + 1, normalise(line))
        for person, post in zip(iris[: len(names)], iris[len(names) :], strict=True):  # the post under the name
            kinds = [found.actors[x].cls for x in (person, post)]
            if (
                rules.holds
                and count_words(block) >= MIN_RELATION_QUOTE_WORDS
                and rules.fits(kinds[0], rules.holds, kinds[1])
            ):
                layout = str(NV["basis-layout"])
                ev = Evidence(i + 1, block)
                found.relations.setdefault(
                    (person, rules.holds, post), Relation(person, rules.holds, post, ev, "", layout, heading)
                )


_BULLET = re.compile(rf"\s*[{BULLETS}]\s+")
# a heading (numbered or not), or the line that introduces a list
_HEADING = re.compile(r"(?:\d+(?:\.\d+)*\.?\s+)?[A-ZÅÄÖ][^.;:!?•]{2,100}:?")


def _known_iri(gaz: Gazetteer, iri: str, ev: Evidence) -> Actor | None:
    """The graph's own entity when a new name's IRI is one the graph already has (a mention, not a new actor)."""
    return Actor(iri, gaz.labels.get(iri, ""), True, gaz.classes[iri], ev) if iri in gaz.classes else None


def _sub_heading(doc: Document, sentence: Sentence, rule) -> bool:
    """Whether a heading inside a list is a sub-heading of it: short, not a list's lead (no colon), not set
    off by two blank lines, and the next line is an item of the list ("Kompetensförsörjning" over
    "• Satsning på ST i allmänmedicin")."""
    if sentence.text.endswith(":") or len(sentence.text.split()) > rule.max_words:
        return False
    if re.search(r"\n[ \t]*\n[ \t]*\n\s*$", doc.text[max(0, sentence.start - 20) : sentence.start]):
        return False  # after two blank lines or more: a section's heading
    nl = doc.text.find("\n", sentence.end)
    below = doc.text[nl + 1 :].split("\n", 1)[0] if nl >= 0 else ""
    return bool(_BULLET.match(below))


def _group(doc, sentence, found, rule, region_iri, gaz, rules) -> tuple[str, Evidence]:
    """The actor a sub-heading of a list names (of the list's class, or the one its words name)."""
    label = sentence.text
    iri = f"{region_iri}--{slug(label)[:60].strip('-')}"
    ev = _evidence(doc, sentence, Span(0, len(sentence.raw), iri))
    if iri not in found.actors:
        cls = rules.class_of(re.split(r"\s[–-]\s|\s(?:för|i|inom|på|utanför|vid|med|av)\s", label)[0], rule.cls)
        found.actors[iri] = _known_iri(gaz, iri, ev) or Actor(iri, label, False, cls, ev)
    return iri, ev


def _list_item(doc, sentence, start, spans, found, rule, region_iri, gaz, rules, group=None) -> str | None:
    """A list item under a heading of `rule`: an actor named by the item (up to a colon, dash or stop), of
    the class its first word with an actor ending names ("Digitaliseringsstrategin": a plan), else the rule's;
    under a sub-heading (`group`: its IRI and evidence), a component of the sub-heading's actor."""
    raw = sentence.raw
    end = min([m.start() for m in re.finditer(r"[:.;]\s|[:.;]$|\s[–-]\s", raw) if m.start() > start] or [len(raw)])
    label = re.sub(r"\s+", " ", raw[start:end]).strip()
    if not label or len(label.split()) > rule.max_words or any(s.lo <= start and s.hi >= end - 1 for s in spans):
        return
    iri = f"{region_iri}--{slug(label)[:60].strip('-')}"
    if iri not in found.actors:
        ev = _evidence(doc, sentence, Span(start, end, iri))
        head = re.split(r"\s(?:för|i|inom|på|utanför|vid|med|av)\s", label)[0]  # "Hälsorum på vårdcentraler"
        cls = rules.guess(rules.class_of(head, rule.cls), ev.quote)
        found.actors[iri] = _known_iri(gaz, iri, ev) or Actor(iri, label, False, cls, ev)
    spans.append(Span(start, end, iri))
    if group and group[0] != iri and rules.layout:
        _layout(doc, sentence, iri, rules.layout, *group, found, rules, gaz)
    if rules.layout and (dash := re.compile(r"\s[–-]\s").match(raw, end)):
        _dash_list(doc, sentence, dash.end(), iri, spans, found, rule, region_iri, gaz, rules)
    return iri


def _lead(doc, sentence, spans, found, rules, gaz) -> list[tuple[str, object, Evidence]]:
    """What a list's lead ending in a colon says of its items: (actor, relation rule, evidence) for each
    actor before a cue with no actor after it ("Region Halland och länets kommuner driver flera gemensamma
    utvecklingsarbeten, exempelvis:": each item is run by both)."""
    raw, out = sentence.raw, []

    def cls(i: str) -> str:
        return found.actors[i].cls if i in found.actors else gaz.classes.get(i, "")

    ev = Evidence(*doc.quote(sentence, 0, len(raw)))
    for rule in rules.relations:
        cue = None if rule.between else rule.cue.search(raw)
        if not cue or any(s.lo >= cue.end() for s in spans):
            continue
        before = [s for s in spans if s.hi <= cue.start()]
        chain = before[-1:]
        for s in reversed(before[:-1]):
            if not _LIST_SEP.fullmatch(raw[s.hi : chain[0].lo]):
                break
            chain.insert(0, s)
        allowed = rule.objects if rule.reverse else rule.subjects
        out += [(s.iri, rule, ev) for s in chain if not allowed or cls(s.iri) in allowed]
        if out:
            break
    return out


def _dash_list(doc, sentence, start, parent, spans, found, rule, region_iri, gaz, rules) -> None:
    """An item whose text after the dash is a list of short names ("Kompetensförsörjning – Oberoende av
    hyrpersonal, fler AT-tjänster och KBT-utbildning."): each a component of the item's actor, stated by
    the sentence."""
    raw = sentence.raw
    body = raw[start:].rstrip().rstrip(".")
    cuts = [m.span() for m in re.finditer(r",\s+", body)]
    bounds = list(zip([0] + [c[1] for c in cuts], [c[0] for c in cuts] + [len(body)], strict=True))
    if not cuts:
        return
    lo, hi = bounds.pop()  # the last " och " of the last item
    k = re.search(r"\s+och\s+(?!.*\s+och\s)", body[lo:hi], re.S)
    bounds += [(lo, lo + k.start()), (lo + k.end(), hi)] if k else [(lo, hi)]
    items = [(start + a, start + b) for a, b in bounds]
    if any(len(raw[a:b].split()) > rules.enumeration.max_words if rules.enumeration else 6 for a, b in items):
        return
    for lo, hi in items:
        label = normalise(raw[lo:hi])
        if len(label) < 3 or _FUNCTION.match(label):
            continue
        if re.fullmatch(r"[a-zåäö]+", label) and not rules.actor_for(label):
            continue  # one common noun ("kvällar, helger och nätter"): no name
        iri = f"{region_iri}--{slug(label)[:60].strip('-')}"
        if iri not in found.actors:
            ev = _evidence(doc, sentence, Span(lo, hi, iri))
            cls = rules.guess(rules.class_of(label, rule.cls), ev.quote)
            found.actors[iri] = _known_iri(gaz, iri, ev) or Actor(iri, label, False, cls, ev)
        spans.append(Span(lo, hi, iri))
        kinds = [found.actors[i].cls if i in found.actors else gaz.classes.get(i, "") for i in (iri, parent)]
        line, quote = doc.quote(sentence, 0, len(raw))
        if iri != parent and rules.fits(kinds[0], rules.layout, kinds[1]) and states_relation(quote):
            found.relations.setdefault(
                (iri, rules.layout, parent), Relation(iri, rules.layout, parent, Evidence(line, quote), "–")
            )


def _layout(doc, sentence, iri, prop, parent, heading, found, rules, gaz) -> None:
    """`iri` related by `prop` to `parent` because of where it stands: an item under a heading or a list's
    lead (`heading`, its evidence) that names `parent` (nv:basis-layout), quoted by the item's sentence, or,
    when that is too short to state a relation, by the text from the heading to the item's end."""

    def cls(i: str) -> str:
        return found.actors[i].cls if i in found.actors else gaz.classes.get(i, "")

    if iri == parent or not rules.fits(cls(iri), prop, cls(parent)):
        return
    if any(k[0] == iri and k[2] == parent for k in found.relations):
        return
    line, quote = doc.quote(sentence, 0, len(sentence.raw))
    if count_words(quote) < MIN_RELATION_QUOTE_WORDS:
        lo = doc.line_starts[heading.line - 1]
        if sentence.end - lo > MAX_QUOTE:
            return
        line, quote = heading.line, normalise(doc.text[lo : sentence.end])
    layout = str(NV["basis-layout"])
    found.relations[(iri, prop, parent)] = Relation(iri, prop, parent, Evidence(line, quote), "", layout, heading)


@dataclass
class _Recommending:
    """What the recommendation rule has read so far in a document."""

    addressees: list = field(default_factory=list)  # (IRI, evidence, cue) of the last cue that named some
    listing: bool = False  # after a cue ending in a colon, until a heading or another list's lead
    author: str | None = None
    numbers: dict = field(default_factory=dict)  # a recommendation's text → its number
    current: tuple[str, Evidence] | None = None  # the recommendation the last heading named, with the heading


def _recommendations(doc, sentence, spans, found, rules, gaz, region_iri, state: _Recommending) -> None:
    """Audit recommendations the sentence names (a heading, a list item after a cue, or the cue's sentence
    itself; see `[recommendation]` in ontology/ingest.toml), each addressed to the last cue's addressees."""
    rule, raw = rules.recommendation, sentence.raw
    named = [(m["name"], m.start("name"), m.end("name")) for m in rule.heading.finditer(raw)]
    pending = state.current and found.actors.get(state.current[0])
    if not named and pending and pending.stated is None and not pending.known:
        if states_relation(sentence.text):  # the sentence under a recommendation's heading: its text
            pending.stated, pending.text = Evidence(*doc.quote(sentence, 0, len(raw))), sentence.text
    cue, bullet = rule.cue.search(raw), _BULLET.match(raw)
    item = None
    if cue and not bullet:
        end = next((u.start() for u in rule.until.finditer(raw, cue.end())), len(raw))
        ev = Evidence(*doc.quote(sentence, cue.start(), end))
        if addressees := [(s.iri, ev, cue.group()) for s in spans if cue.end() <= s.lo and s.hi <= end]:
            state.addressees = addressees
        author = rule.author.search(raw)
        state.author = author and author["author"]
        state.listing = raw.rstrip().endswith(":")
        if not state.listing and end < len(raw) and states_relation(sentence.text):
            item = (sentence.text, 0, len(raw))
    elif bullet and state.listing:
        item = (normalise(raw[bullet.end() :]), bullet.end(), len(raw))
    elif raw.rstrip().endswith(":"):
        state.listing = False  # another list begins
    if item:
        n = state.numbers.setdefault(item[0], len(state.numbers) + 1)
        form = rule.authored if state.author else rule.label
        named.append((form.format(n=n, author=state.author), *item[1:]))
    for name, lo, hi in named:
        label = name[:1].upper() + re.sub(r"\s+", " ", name[1:])
        iri = f"{region_iri}--{slug(label)}"
        ev = _evidence(doc, sentence, Span(lo, hi, iri))
        if not item:  # named by a heading: the measures of an answer below it respond to it
            state.current = (iri, Evidence(*doc.quote(sentence, 0, len(raw))))
        if iri not in found.actors:
            count = sum(a.cls == rule.cls for a in found.actors.values()) + 1
            number = int(m[1]) if (m := re.search(r"(\d+)$", label)) else count
            text = item[0] if item else ev.quote
            found.actors[iri] = _known_iri(gaz, iri, ev) or Actor(
                iri, label, False, rule.cls, ev, number=number, text=text
            )
        for addressee, lead, cue_text in state.addressees:
            to = found.actors[addressee].cls if addressee in found.actors else gaz.classes.get(addressee, "")
            if not rules.fits(found.actors[iri].cls, rule.prop, to):
                continue
            if states_relation(lead.quote):  # the lead names the addressee in a sentence
                rel = Relation(iri, rule.prop, addressee, lead, cue_text)
            elif count_words(ev.quote) >= MIN_RELATION_QUOTE_WORDS:  # the item under the lead "… bör:"
                rel = Relation(iri, rule.prop, addressee, ev, cue_text, str(NV["basis-layout"]), lead)
            else:
                continue
            found.relations.setdefault((iri, rule.prop, addressee), rel)


@dataclass
class _Measuring:
    """Where the measure rule is in an answer: "all" under a heading of measures, "cue" elsewhere in an
    answer, None outside one; the measures found, and who adopted the answer."""

    mode: str | None = None
    after_heading: bool = False
    texts: dict = field(default_factory=dict)  # a measure's sentence → its IRI
    adopted: list = field(default_factory=list)  # (actor IRI, evidence, cue) of "Svaret är fastställt av X"

    def heading(self, text: str, rules: Rules) -> None:
        rule, rec = rules.measure, rules.recommendation
        if rule.section.search(text):
            self.mode = "all"
        elif rule.answer.search(text):
            self.mode = "cue"
        elif rec and rec.heading.search(text):
            self.mode = None  # a recommendation's own text follows
        elif self.mode:
            self.mode = "cue"


def _measure(doc, sentence, spans, found, rules, gaz, region_iri, state: _Measuring, rec, heading: bool) -> None:
    """A measure the sentence of an answer names (`[measure]` in ontology/ingest.toml), responding to the
    recommendation `rec` (IRI, heading evidence) it stands under; the actor that opens the sentence is
    responsible for it. Also notes who adopted the answer."""
    rule, raw = rules.measure, sentence.raw
    if adopted := rule.adopted.search(raw):
        after = [s for s in spans if s.lo >= adopted.end()]
        if after and count_words(sentence.text) >= MIN_RELATION_QUOTE_WORDS:
            state.adopted.append((after[0].iri, Evidence(*doc.quote(sentence, 0, len(raw))), adopted.group()))
        return
    if heading or not state.mode or count_words(sentence.text) < rule.min_words or looks_like_heading(sentence.text):
        return
    if not rec or not rules.fits(rule.cls, rule.responds, found.actors[rec[0]].cls if rec[0] in found.actors else ""):
        return  # a measure responds to a recommendation (the shapes require it): none is named above
    starts = state.after_heading or re.search(r"\n[ \t]*\n\s*$", doc.text[max(0, sentence.start - 40) : sentence.start])
    cue = rule.cue.search(raw)
    if not cue and not (state.mode == "all" and starts):
        return
    text = sentence.text
    if text in state.texts:
        return
    first = re.split(r"[,;:]\s|\s[–-]\s", text)[0]
    words = first.split()
    label = " ".join(words[:14]).rstrip(".") + (" …" if len(words) > 14 else "")
    iri = f"{region_iri}--atgard-{slug(' '.join(text.split()[:8]))[:60].strip('-')}"
    while iri in found.actors:
        iri += "-2"
    state.texts[text] = iri
    ev = Evidence(*doc.quote(sentence, 0, min(len(raw), MAX_QUOTE - 60)))
    found.actors[iri] = Actor(iri, label, False, rule.cls, ev, text=text)
    layout = str(NV["basis-layout"])
    found.relations[(iri, rule.responds, rec[0])] = Relation(iri, rule.responds, rec[0], ev, "", layout, rec[1])
    limit = sum(len(w) + 1 for w in raw.split()[: rule.subject_words])
    subjects = [s for s in spans if s.lo <= limit][:1]
    for s in spans:
        if subjects and s.lo > subjects[-1].hi and re.fullmatch(r"\s*(?:,|och|samt)\s*", raw[subjects[-1].hi : s.lo]):
            subjects.append(s)
    for s in subjects:
        cls = found.actors[s.iri].cls if s.iri in found.actors else gaz.classes.get(s.iri, "")
        if rules.fits(cls, rule.responsible, rule.cls) and cls not in (str(NV.Plan), str(NV.Project)):
            found.relations.setdefault((s.iri, rule.responsible, iri), Relation(s.iri, rule.responsible, iri, ev, ""))


def _decided(found: Candidates, rules: Rules, state: _Measuring) -> None:
    """Every measure of the answer decided by who adopted it (the last "Svaret är fastställt av X")."""
    actor, ev, cue = state.adopted[-1]
    prop = rules.measure.decided
    for iri in state.texts.values():
        found.relations.setdefault((iri, prop, actor), Relation(iri, prop, actor, ev, cue))


def _sections(doc: Document, gaz: Gazetteer) -> dict[int, str]:
    """Line → region IRI for each line that is only a region's name (the heading of its section)."""
    regions = {label.lower(): iri for iri, label in gaz.labels.items() if gaz.classes.get(iri) == str(NV.Region)}
    return {
        i: regions[line.strip().lower()]
        for i, line in enumerate(doc.text.splitlines(), 1)
        if line.strip().lower() in regions
    }


def states_relation(quote: str) -> bool:
    """Whether a quote can evidence a relation by its words (graph/lint.py's rules): long enough, and
    not a heading (a short line without a sentence's end).

    >>> states_relation("Digital vårdcentral – Min vård"), states_relation("Regionstyrelsen beslutade om planen.")
    (False, True)
    """
    n = count_words(quote)
    short_line = n <= HEADING_MAX_WORDS and not quote.rstrip().endswith((".", "!", "?", "…"))
    return n >= MIN_RELATION_QUOTE_WORDS and not looks_like_heading(quote) and not short_line


def _context(found: Candidates, rules: Rules, iri: str, cls: str, region_iri: str, ev: Evidence, gaz) -> None:
    """An actor of a `context` rule's classes (and `names`) is proposed as related to the region (or to the
    region's own entity of class `object`), or as the object of the region's own entities of the rule's
    `subjects` classes (nv:basis-context); the first rule that applies for a property wins, and none
    between two actors the graph already links otherwise."""
    label = found.actors[iri].label if iri in found.actors else gaz.labels.get(iri, "")
    done = set()
    for classes, prop, subjects, joint, names, obj in rules.context:
        if prop in done or cls not in classes or names and not names.search(label):
            continue
        if not states_relation(ev.quote) or joint not in (None, rules.joint(ev.quote)):
            continue
        if subjects:
            keys = [(s, prop, iri) for c in subjects if (s := gaz.own(c, region_iri))]
        else:
            keys = [(iri, prop, o)] if (o := gaz.own(obj, region_iri) if obj else region_iri) else []
        for k in keys:
            if prop in gaz.relations.get((k[0], k[2]), {prop}):
                found.relations.setdefault(k, Relation(*k, ev, "", str(NV["basis-context"])))
        done.add(prop)


def _drop_context(found: Candidates) -> None:
    """Drop a context relation of an actor that a phrase relates the same way to another actor, and one
    between two actors that another relation already links (a phrase's, else the first proposed)."""
    context = str(NV["basis-context"])
    stated = {(s, p) for (s, p, _), r in found.relations.items() if r.basis is None}
    linked = {(s, o) for (s, _, o), r in found.relations.items() if r.basis != context}
    for k in [k for k, r in found.relations.items() if r.basis == context]:
        if k[:2] in stated or (k[0], k[2]) in linked:
            del found.relations[k]
        else:
            linked.add((k[0], k[2]))


def _evidence(doc: Document, sentence: Sentence, span: Span) -> Evidence:
    return Evidence(*doc.quote(sentence, span.lo, span.hi))


def _known(sentence: Sentence, gaz: Gazetteer, region: str | None, rules: Rules) -> list[Span]:
    """The actors of the graph the sentence names: by name or acronym, then by an alias of the region's own."""
    spans: list[Span] = []
    for pattern, cls in [(gaz.pattern, None), (gaz.acronyms, None), *rules.aliases]:
        for m in pattern.finditer(sentence.raw) if pattern else ():
            if any(s.lo < m.end() and m.start() < s.hi for s in spans):
                continue
            iri = gaz.resolve(m.group(), region) if cls is None else gaz.own(cls, region)
            if iri:
                spans.append(Span(m.start(), m.end(), iri))
    return spans


def _named(doc, sentence, spans, found, rules, region_iri, gaz) -> list[Span]:
    """New actors by the `named` patterns of ontology/ingest.toml (a quoted name, "Strategi 1 - …")."""
    out = []
    for pattern, default, national in rules.named:
        for m in pattern.finditer(sentence.raw):
            lo, hi = m.span("name")
            if any(s.lo < hi and lo < s.hi for s in spans + out):
                continue
            label = re.sub(r"(?<=\d[–-])\s+(?=\d)", "", normalise(m["name"]))  # "2020– 2030" broken over lines
            iri = f"{NVR if national else region_iri + '--'}{slug(label)[:60].strip('-')}"
            if iri not in found.actors:
                ev = _evidence(doc, sentence, Span(lo, hi, iri))
                cls = default if national else rules.class_of(label, default)
                found.actors[iri] = _known_iri(gaz, iri, ev) or Actor(iri, label, False, cls, ev, national=national)
            out.append(Span(lo, hi, iri))
    return out


_ITEM_STOP = re.compile(r"[.;(]|\s[–-]\s|$")
_FUNCTION = re.compile(r"(?:att|som|vilket|vilka|där|för|med|men|och|samt|eller|i|på|till|av|om)\b", re.I)


def _enumeration(doc, sentence, spans, found, rules, region_iri, gaz, listed) -> str | None:
    """Actors a list after a plural noun names (`[enumerations]`); returns the class of the items a noun at
    the sentence's end announces for the next sentence ("… ett antal projekt. Dessa innefattar …")."""
    rule, raw = rules.enumeration, sentence.raw
    leads = [(m.end(), cls) for _, pattern, cls in rule.nouns for m in pattern.finditer(raw)]
    if listed and (m := rule.next.match(raw)):
        leads.append((rule.marker.match(raw, m.end()).end(), listed))
    for start, cls in sorted(leads)[:1]:  # the first list of the sentence
        end = _ITEM_STOP.search(raw, start).start()
        capital = raw[start : start + 1].isupper()
        sep = r",\s+(?=[A-ZÅÄÖ0-9])|\s+(?:och|samt)\s+(?=[A-ZÅÄÖ0-9])" if capital else r",\s+|\s+samt\s+"
        cuts = [(m.start(), m.end()) for m in re.finditer(sep, raw[start:end])]
        bounds = zip([0] + [c[1] for c in cuts], [c[0] for c in cuts] + [end - start], strict=True)
        items = [(start + a, start + b) for a, b in bounds]
        if not capital and items:  # the last " och " of the last item: "… läkarkontakt och egenmonitorering"
            lo, hi = items.pop()
            k = raw.rfind(" och ", lo, hi)
            k = raw.rfind("\noch ", lo, hi) if k < 0 else k
            items += [(lo, k), (k + 5, hi)] if k > lo else [(lo, hi)]
        if len(items) < 2:
            continue
        for lo, hi in items:
            lo += len(raw[lo:hi]) - len(raw[lo:hi].lstrip())
            label = normalise(raw[lo:hi]).rstrip(",")
            label = re.sub(r"^(?:den|det|de)\s+", "", label)
            if not label or len(label.split()) > rule.max_words or len(label) < 3 or _FUNCTION.match(label):
                continue
            if any(s.lo <= lo < s.hi for s in spans):
                continue
            iri = f"{region_iri}--{slug(label)[:60].strip('-')}"
            if iri not in found.actors:
                ev = _evidence(doc, sentence, Span(lo, hi, iri))
                head = rules.actor_for(label.split()[-1])  # the last word is the head: "lokalt primärvårdsråd"
                kind = rules.guess(head.cls if head else cls, sentence.text)
                found.actors[iri] = _known_iri(gaz, iri, ev) or Actor(iri, label, False, kind, ev)
            spans.append(Span(lo, hi, iri))
    if leads:
        return None
    return next((cls for noun, _, cls in rule.nouns if noun.search(raw)), None)


def _new(doc, sentence, spans, found, rules, region_iri, gaz) -> list[Span]:
    """New actors in the sentence: a head word with an actor ending, its modifier, and a (ACRONYM)."""
    out = []
    raw = sentence.raw
    for m in rules.head.finditer(raw):
        lo, hi = m.start(), m.end()
        if any(s.lo < hi and lo < s.hi for s in spans + out):
            continue
        word = m.group("head")
        rule = rules.actor_for(word)
        if rule is None:
            continue
        before = rules.before.search(raw, 0, lo)
        acronym = re.match(r"\s*\(([A-ZÅÄÖ][A-ZÅÄÖa-zåäö0-9&-]{1,9})\)", raw[hi:])
        bare = not before and not acronym and m.start("end") - m.start() < 3 and rule.ending not in rules.bare
        owner = bare and _owner(raw, lo, spans + out, rule, rules)
        if owner:  # "Regionstyrelsens ordförande", "Falu lasarett": the owner's or proper name names it
            bare, lo = False, owner[0]
            spans[:] = [s for s in spans if s is not owner[1]]
            out[:] = [s for s in out if s is not owner[1]]
        complement = (
            bare and rules.complement and rule.ending in rules.complement[0] and rules.complement[1].match(raw, hi)
        )
        if bare and not complement:
            continue  # a bare "projektet", "planen", "gruppen": too general to be a name
        hi = complement.end() if complement else hi
        if rules.suffix and rule.cls in rules.suffix[0] and (year := rules.suffix[1].match(raw, hi)):
            hi = year.end()  # "Färdplan 2030", "handlingsplan 2018–2019"
        elif rules.tail and rule.cls in rules.tail[0] and (name := rules.tail[1].match(raw, hi)):
            if not any(s.lo < name.end() and name.start() < s.hi for s in spans):
                hi = name.end()  # "närsjukvårdsteam Örebro", "Chefsgrupp Halland"
        if before:
            lo = before.start()
        label = re.sub(r"\s+", " ", raw[lo:hi])
        if key(label) in {
            key(a.label) for i, a in found.actors.items() if a.known and gaz.home.get(i, region_iri) == region_iri
        }:
            continue  # a known actor of this region (or national) the gazetteer did not resolve here
        iri = f"{region_iri}--{slug(re.sub(r'(?<=[^s]{4})(?::s|s)$', '', label))}"
        if iri not in found.actors and (known := _known_iri(gaz, iri, _evidence(doc, sentence, Span(lo, hi, iri)))):
            found.actors[iri] = known
        elif iri not in found.actors:
            cls = rules.guess(rule.cls, sentence.text)
            structure = rule.structure if cls == rule.cls else None
            actor = Actor(iri, label, False, cls, _evidence(doc, sentence, Span(lo, hi, iri)), structure)
            if cls == str(NV.CollaborationBody):
                actor.level = rules.level(sentence.text)
            found.actors[iri] = actor
            _context(found, rules, iri, cls, region_iri, actor.evidence, gaz)
        actor = found.actors[iri]
        if acronym and not actor.known and not actor.acronym and sum(c.isupper() for c in acronym.group(1)) >= 2:
            actor.acronym = acronym.group(1)  # also when the name came before without it
        if owner and owner[1]:  # the owner in the genitive: related as the genitive rules read it
            _genitive(doc, sentence, iri, owner[1], found, rules, gaz)
        out.append(Span(lo, hi, iri))
    return out


def _defined(sentence, spans, found, defined, region_iri) -> list[Span]:
    """The acronyms the document defined before for new actors ("Hälso- och sjukvårdsnämnden (HSN)"), where
    the sentence uses them again ("HSN uppdrog åt …", "HSN:s protokoll"); then the acronyms this sentence
    defines. Kept per region (an overview's sections each define their own)."""
    raw, out = sentence.raw, []
    if defined.get("") != region_iri:
        defined.clear()
        defined[""] = region_iri
    for acronym, iri in defined.items():
        for m in re.finditer(rf"(?<![\w(-]){re.escape(acronym)}(?::s|s)?(?![\w-])", raw) if acronym else ():
            if not any(s.lo < m.end() and m.start() < s.hi for s in spans + out):
                out.append(Span(m.start(), m.end(), iri))
    for span in spans:
        actor = found.actors.get(span.iri)
        if actor and not actor.known and actor.acronym:
            defined[actor.acronym] = span.iri
    return out


def _ending(label: str, rules: Rules) -> str | None:
    """The actor ending of the first word of `label` that has one ("Hälso- och sjukvårdsnämnden": nämnd)."""
    return next((r.ending for w in re.findall(r"[\w-]+", label) if (r := rules.actor_for(w))), None)


def _coreference(sentence, spans, found, rules, gaz, recent, region_iri) -> None:
    """A bare definite head of a body ("nämnden", "förvaltningens", "styrgruppen") stands for the body with
    that ending named within the last `window` sentences (`[coreference]` in ontology/ingest.toml): it is
    added to the sentence's spans, so cue phrases relate it ("Nämnden ansvarar för …")."""
    endings, window, definite = rules.coreference
    for ending in list(recent):
        iri, ago = recent[ending]
        if ago >= window or iri not in found.actors and iri not in gaz.classes:
            del recent[ending]
        else:
            recent[ending] = (iri, ago + 1)
    raw, new = sentence.raw, []
    for m in rules.head.finditer(raw):
        ending = m.group("end").lower()
        if ending not in endings or ending not in recent or m.start("end") != m.start("head"):
            continue
        if not re.fullmatch(rf"{ending}(?:{definite})", m.group("head"), re.I):
            continue  # indefinite ("en nämnd") or plural ("nämnderna"): not the body named before
        if not any(s.lo < m.end() and m.start() < s.hi for s in spans):
            new.append(Span(m.start(), m.end(), recent[ending][0]))
    for span in spans + new:
        actor = found.actors.get(span.iri)
        label = actor.label if actor else gaz.labels.get(span.iri, "")
        cls = actor.cls if actor else gaz.classes.get(span.iri, "")
        if (ending := _ending(label, rules)) in endings and cls not in rules.not_actors:
            recent[ending] = (span.iri, 0)
    spans += new
    spans.sort(key=lambda s: s.lo)


def _genitive(doc, sentence, iri, owner: Span, found, rules, gaz) -> None:
    """`iri` named after its owner in the genitive ("regionstyrelsens presidium") related to the owner by the
    first `genitive` relation rule that fits their classes."""

    def cls(i: str) -> str:
        return found.actors[i].cls if i in found.actors else gaz.classes.get(i, "")

    for rule in rules.relations:
        if not rule.genitive or rule.subjects and cls(iri) not in rule.subjects:
            continue
        s, o = (iri, owner.iri) if rule.reverse else (owner.iri, iri)
        if rule.objects and cls(o) not in rule.objects or not rules.fits(cls(s), rule.prop, cls(o)):
            continue
        line, quote = doc.quote(sentence, owner.lo, owner.hi)
        if s != o and not any(k[0] == s and k[2] == o for k in found.relations) and states_relation(quote):
            found.relations[(s, rule.prop, o)] = Relation(s, rule.prop, o, Evidence(line, quote), "-s")
        return


def _owner(raw: str, lo: int, spans: list[Span], rule, rules: Rules) -> tuple[int, Span | None] | None:
    """Where a bare head's name starts when what stands before it names it (`[owner]` in ontology/ingest.toml):
    an actor in the genitive ("Regionstyrelsens ordförande": the span, to replace) or, not first in the
    sentence, a capitalised word ("medicinkliniken vid Falu lasarett")."""
    if not rules.owner or rule.ending not in rules.owner[0]:
        return None
    gap = re.search(r"\s+$", raw[:lo])
    if gap and (span := next((s for s in spans if s.hi == gap.start()), None)):
        return (span.lo, span) if re.search(r"(?<=\w)s$|:s$", raw[span.lo : span.hi]) else None
    proper = rules.owner[1].search(raw, 0, lo)
    if proper and proper.start() > 0 and not _FUNCTION.fullmatch(proper.group().strip()):
        return proper.start(), None
    return None


_LIST_SEP = re.compile(r"\s*,\s*|\s+(?:och|samt)\s+|\s*,\s*(?:och|samt)\s+")


def _pairs(sentence: Sentence, spans: list[Span], rule, cls=None) -> list[tuple[Span, Span, str]]:
    """(first, second, cue as written) for each pair of actors the rule reads in the sentence; with a cue,
    the first is the nearest actor before it of the classes the rule allows there (`cls`: IRI → class)."""
    raw, out = sentence.raw, []
    if rule.between:
        for i, (a, b) in enumerate(zip(spans, spans[1:], strict=False)):
            gap = raw[a.hi : b.lo]
            if rule.cue.fullmatch(gap) and (not rule.genitive or raw[a.lo : a.hi].endswith("s")):
                out.append((a, b, gap.strip() or "-s"))
                for prev, more in zip(spans[i + 1 :], spans[i + 2 :], strict=False) if rule.all else ():
                    if not _LIST_SEP.fullmatch(raw[prev.hi : more.lo]):
                        break
                    out.append((a, more, gap.strip()))
        return out
    for cue in rule.cue.finditer(raw) if rule.among else ():
        after = [s for s in spans if s.lo >= cue.end()]
        if not after or raw[cue.end() : after[0].lo].strip():
            continue
        chain = after[:1]
        for prev, more in zip(after, after[1:], strict=False):
            if not _LIST_SEP.fullmatch(raw[prev.hi : more.lo]):
                break
            chain.append(more)
        out += [(a, b, cue.group()) for i, a in enumerate(chain) for b in chain[i + 1 :]]
    for cue in () if rule.among else rule.cue.finditer(raw):
        before = [s for s in spans if s.hi <= cue.start()]
        allowed = rule.objects if rule.reverse else rule.subjects
        if allowed and cls:
            before = [s for s in before if cls(s.iri) in allowed]
        after = [s for s in spans if s.lo >= cue.end()]
        if before and after:
            out += [(before[-1], obj, cue.group()) for obj in (after if rule.all else after[:1])]
    return out


def _relations(doc, sentence, spans, found, rules, gaz) -> None:
    if len(spans) < 2 or count_words(sentence.text) < MIN_RELATION_QUOTE_WORDS:
        return

    def cls(iri: str) -> str:
        return found.actors[iri].cls if iri in found.actors else gaz.classes.get(iri, "")

    for rule in rules.relations:
        for first, second, cue in _pairs(sentence, spans, rule, cls):
            a, b = (second, first) if rule.reverse else (first, second)
            if a.iri == b.iri or rule.subjects and cls(a.iri) not in rule.subjects:
                continue
            if rule.objects and cls(b.iri) not in rule.objects:
                continue
            sym = rule.prop == str(NV.collaboratesWith)
            s, o = (min(a.iri, b.iri), max(a.iri, b.iri)) if sym else (a.iri, b.iri)
            if not rules.fits(cls(s), rule.prop, cls(o)) or sym and not rules.fits(cls(o), rule.prop, cls(s)):
                continue
            line, quote = doc.quote(sentence, min(a.lo, b.lo), max(a.hi, b.hi))
            if not any(k[0] == s and k[2] == o for k in found.relations) and states_relation(quote):
                found.relations[(s, rule.prop, o)] = Relation(s, rule.prop, o, Evidence(line, quote), cue)
    for a in spans:
        for b in spans:
            for prop in sorted(gaz.relations.get((a.iri, b.iri), ())):
                line, quote = doc.quote(sentence, min(a.lo, b.lo), max(a.hi, b.hi))
                if not any(k[0] == a.iri and k[2] == b.iri for k in found.relations) and states_relation(quote):
                    found.relations[(a.iri, prop, b.iri)] = Relation(
                        a.iri, prop, b.iri, Evidence(line, quote), "", str(NV["basis-context"])
                    )
