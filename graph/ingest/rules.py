"""The ingest rules in ontology/ingest.toml, with every term checked against the ontology.

>>> r = load_rules(Project.default())
>>> r.actor_for("Välfärdsrådet").cls, r.actor_for("arbetsutskottets").structure
('https://w3id.org/naravard/def#CollaborationBody', 'https://w3id.org/naravard/def#st-working-committee')
>>> r.actor_for("Regionen") is None
True
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import rdflib

from ..errors import NaravardError
from ..namespaces import NV
from ..project import Project


@dataclass(frozen=True)
class ActorRule:
    """A name ending that makes a new actor, with its guessed class and structure type (full IRIs)."""

    ending: str
    cls: str
    structure: str | None


@dataclass(frozen=True)
class RelationRule:
    """A cue phrase (compiled), the property it states and how the ends are read.

    With `between`, the cue is the whole text between two neighbouring actors ("chefen *för* förvaltningen";
    with `genitive`, the first ends in -s: "Region Dalarna*s* förvaltning"). `subjects` and `objects`, when
    not empty, are the classes the ends must have (after `reverse`).
    """

    cue: re.Pattern
    prop: str
    reverse: bool
    all: bool
    between: bool = False
    genitive: bool = False
    subjects: frozenset = frozenset()
    objects: frozenset = frozenset()
    among: bool = False  # the actors listed right after the cue are related pairwise ("samverkan mellan A och B")


@dataclass(frozen=True)
class ListRule:
    """List items under a matching heading name actors of a class."""

    heading: re.Pattern
    cls: str
    max_words: int


@dataclass(frozen=True)
class RecommendationRule:
    """How audit recommendations are named and addressed (the `[recommendation]` table)."""

    cls: str
    prop: str
    heading: re.Pattern
    cue: re.Pattern
    until: re.Pattern
    author: re.Pattern
    label: str
    authored: str


@dataclass(frozen=True)
class MeasureRule:
    """How an answer to an audit names its measures and who decided and does them (the `[measure]` table)."""

    cls: str
    section: re.Pattern  # a heading over paragraphs that are measures ("Planerade åtgärder")
    answer: re.Pattern  # a heading of an answer: its sentences with `cue` are measures
    cue: re.Pattern
    min_words: int
    responds: str  # the property from a measure to the recommendation whose heading it stands under
    adopted: re.Pattern  # a sentence saying who adopted the answer: the actor after it
    decided: str  # the property from every measure to that actor
    responsible: str  # the property from the actor a measure's sentence opens with to the measure
    subject_words: int  # how far into the sentence that actor may stand


@dataclass(frozen=True)
class EnumerationRule:
    """Lists of actors after a plural noun (the `[enumerations]` table)."""

    nouns: tuple[tuple[re.Pattern, re.Pattern, str], ...]  # (the noun, it and what leads to its list, class)
    next: re.Pattern  # a sentence that lists the items of the noun the sentence before named
    marker: re.Pattern  # "exempelvis", "t.ex.": a word before a list
    max_words: int


@dataclass(frozen=True)
class Rules:
    """Everything ontology/ingest.toml says."""

    inflection: str
    modifiers: str
    exclude: re.Pattern
    levels: tuple[tuple[str, tuple[str, ...]], ...]
    actors: tuple[ActorRule, ...]
    relations: tuple[RelationRule, ...]
    lists: tuple[ListRule, ...] = ()
    not_actors: frozenset = frozenset()
    aliases: tuple[tuple[re.Pattern, str], ...] = ()
    context: tuple[tuple, ...] = ()  # (classes, property, subjects, joint, names, object): see ingest.toml
    ranges: dict = field(default_factory=dict)  # property → the classes its object may have (ontology/shapes.ttl)
    domains: dict = field(default_factory=dict)  # property → the classes its subject may have
    supers: dict = field(default_factory=dict)  # class → itself and its superclasses (the ontology)
    recommendation: RecommendationRule | None = None
    complement: tuple[frozenset, re.Pattern] | None = None  # (endings, pattern): what makes a bare head a name
    shared: tuple[frozenset, re.Pattern, str] | None = None  # (classes, words, class): a body shared with others
    named: tuple[tuple[re.Pattern, str, bool], ...] = ()  # (pattern with group `name`, class, national)
    signature: tuple[re.Pattern, str] | None = None  # (a name in a signature block, its class)
    holds: str | None = None  # the property from a person of a signature block to the post under the name
    owner: tuple[frozenset, re.Pattern] | None = None  # (endings, proper): a bare head named by what precedes it
    bare: frozenset = frozenset()  # endings that are a name on their own
    layout: str | None = None  # the property of an item of a list to the actor of the sub-heading it stands under
    measure: MeasureRule | None = None
    enumeration: EnumerationRule | None = None
    suffix: tuple[frozenset, re.Pattern] | None = None  # (classes, pattern): a year after a plan's name
    coreference: tuple[frozenset, int, str] | None = None  # (endings, window, definite): "nämnden" for a nämnd
    tail: tuple[frozenset, re.Pattern] | None = None  # (classes, pattern): a proper name after a body's name
    structure: tuple[frozenset, str] | None = None  # (classes, default): classes that need a structure type

    def guess(self, cls: str, sentence: str) -> str:
        """The class of a new actor whose name form says `cls`, named in `sentence` (see `[shared]`).

        >>> r = load_rules(Project.default())
        >>> r.guess(str(NV.Committee), "En gemensam styrgrupp med kommunerna.").removeprefix(str(NV))
        'CollaborationBody'
        """
        return self.shared[2] if self.shared and cls in self.shared[0] and self.joint(sentence) else cls

    def joint(self, sentence: str) -> bool:
        """Whether the sentence speaks of something the region shares with others (`[shared]` words).

        >>> load_rules(Project.default()).joint("Forumet samlar regionen och kommunerna.")
        True
        """
        return bool(self.shared and self.shared[1].search(sentence))

    def class_of(self, name: str, default: str) -> str:
        """The class the first word of `name` with an actor ending names, else `default`.

        >>> r = load_rules(Project.default())
        >>> r.class_of("Handlingsplan patientkontrakt 2021", str(NV.Project)).removeprefix(str(NV))
        'Plan'
        """
        return next((r.cls for w in re.findall(r"\w+", name) if (r := self.actor_for(w))), default)

    def fits(self, subject_class: str, prop: str, object_class: str) -> bool:
        """Whether the SHACL shapes allow `prop` between instances of these classes (their sh:class).

        >>> r = load_rules(Project.default())
        >>> r.fits(str(NV.Board), str(NV.collaboratesWith), str(NV.Project))
        False
        >>> r.fits(str(NV.Board), str(NV.collaboratesWith), str(NV.Board))
        True
        >>> r.fits(str(NV.Post), str(NV.steers), str(NV.Plan))  # a post leads, a body steers
        False
        """
        ok = True
        for allowed, cls in ((self.domains.get(prop), subject_class), (self.ranges.get(prop), object_class)):
            ok = ok and (not allowed or bool(allowed & self.supers.get(cls, {cls})))
        return ok

    @cached_property
    def head(self) -> re.Pattern:
        """A word ending in one of the actor endings (inflected), as group `head`, with its ending as `end`."""
        endings = "|".join(re.escape(a.ending) for a in sorted(self.actors, key=lambda a: -len(a.ending)))
        return re.compile(rf"(?P<head>(?<![\w-])(?:\w+-)?\w*?(?P<end>{endings}){self.inflection})\b", re.I)

    @cached_property
    def _endings(self) -> list[tuple[re.Pattern, ActorRule]]:
        rules = sorted(self.actors, key=lambda a: -len(a.ending))
        return [(re.compile(rf"{re.escape(r.ending)}{self.inflection}$", re.I), r) for r in rules]

    @cached_property
    def before(self) -> re.Pattern:
        """The words before a head word that belong to the name: a modifier, or "X- och " (hälso- och …)."""
        mods = rf"\b(?:{self.modifiers})\s+|" if self.modifiers else ""
        return re.compile(rf"(?:{mods}\b[\w-]+-\s+och\s+)$", re.I)

    def actor_for(self, word: str) -> ActorRule | None:
        """The rule of the longest ending `word` ends with (inflected), or None (also for an excluded word)."""
        if self.exclude.fullmatch(word):
            return None
        return next((rule for pattern, rule in self._endings if pattern.search(word)), None)

    def level(self, sentence: str) -> str:
        """The level the sentence names, else nv:level-not-named."""
        low = sentence.lower()
        for level, cues in self.levels:
            if any(c in low for c in cues):
                return level
        return str(NV["level-not-named"])


def load_rules(project: Project) -> Rules:
    """The rules of `project` (ontology/ingest.toml); an unknown term is a NaravardError naming it."""
    return _load(project.root / "ontology" / "ingest.toml", project.ontology_file, project.shapes_file)


def _ranges(onto: rdflib.Graph, shapes_file: Path) -> tuple[dict, dict, dict]:
    """The classes each property's object may have (sh:class, or sh:or of sh:class, on a sh:path), those
    its subject may have (the same on a shape targeting the property's subjects) and each class's
    superclasses."""
    from rdflib.collection import Collection

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    shapes = rdflib.Graph().parse(shapes_file, format="turtle")

    def classes(node) -> set[str]:
        found = {str(c) for c in shapes.objects(node, sh["class"])}
        for lst in shapes.objects(node, sh["or"]):
            found |= {str(c) for item in Collection(shapes, lst) for c in shapes.objects(item, sh["class"])}
        return found

    ranges: dict[str, set[str]] = {}
    domains: dict[str, set[str]] = {}
    for node, path in shapes.subject_objects(sh.path):
        if (found := classes(node)) and isinstance(path, rdflib.URIRef):
            ranges.setdefault(str(path), set()).update(found)
    for node, prop in shapes.subject_objects(sh.targetSubjectsOf):
        if found := classes(node):
            domains.setdefault(str(prop), set()).update(found)
    supers = {
        str(c): frozenset(str(s) for s in onto.transitive_objects(c, rdflib.RDFS.subClassOf))
        for c in onto.subjects(rdflib.RDF.type, rdflib.OWL.Class)
    }
    return {p: frozenset(c) for p, c in ranges.items()}, {p: frozenset(c) for p, c in domains.items()}, supers


@lru_cache(maxsize=4)
def _load(path: Path, ontology_file: Path, shapes_file: Path) -> Rules:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise NaravardError(f"{path}: {err}") from None
    onto = rdflib.Graph().parse(ontology_file, format="turtle")
    known = {str(s) for s in onto.subjects()}

    def term(curie: str, where: str) -> str:
        iri = str(NV[curie.removeprefix("nv:")])
        if iri not in known:
            raise NaravardError(f"{path}: {where}: {curie} is not a term of the ontology")
        return iri

    actors = tuple(
        ActorRule(
            a["ending"], term(a["class"], a["ending"]), term(a["structure"], a["ending"]) if "structure" in a else None
        )
        for a in data.get("actor", [])
    )
    relations = tuple(
        RelationRule(
            re.compile(rf"\b(?:{r['cue']})\b", re.I) if "cue" in r else re.compile(r["between"], re.I),
            term(r["property"], r.get("cue", r.get("between"))),
            r.get("reverse", False),
            r.get("all", False),
            "between" in r,
            r.get("genitive", False),
            frozenset(term(c, r["property"]) for c in r.get("subjects", [])),
            frozenset(term(c, r["property"]) for c in r.get("objects", [])),
            r.get("among", False),
        )
        for r in data.get("relation", [])
    )
    levels = tuple((term(k, "levels"), tuple(v)) for k, v in data.get("levels", {}).items())
    modifiers = "|".join(w.strip() for w in data.get("modifiers", "").replace("\n", "|").split("|") if w.strip())
    exclude = "|".join(w.strip() for w in data.get("exclude", "").replace("\n", "|").split("|") if w.strip())
    lists = tuple(
        ListRule(re.compile(r["heading"], re.I), term(r["class"], r["heading"]), r.get("max_words", 10))
        for r in data.get("list", [])
    )
    exclude_re = re.compile(rf"(?:{exclude})", re.I)
    not_actors = frozenset(term(c, "not_actors") for c in data.get("not_actors", []))
    aliases = tuple(
        (re.compile(rf"(?<![\w-])(?:{a['words']})(?!\w)", re.I), term(a["class"], a["words"]))
        for a in data.get("alias", [])
    )
    context = tuple(
        (
            frozenset(term(c, "context") for c in r["classes"]),
            term(r["property"], "context"),
            tuple(term(c, "context") for c in r.get("subjects", [])),
            r.get("joint"),
            re.compile(r["names"], re.I) if "names" in r else None,
            term(r["object"], "context") if "object" in r else None,
        )
        for r in data.get("context", [])
    )
    ranges, domains, supers = _ranges(onto, shapes_file)
    rec = data.get("recommendation")
    recommendation = rec and RecommendationRule(
        term(rec["class"], "recommendation"),
        term(rec["property"], "recommendation"),
        *(re.compile(rec[k], re.I | re.M) for k in ("heading", "cue", "until", "author")),
        rec["label"],
        rec["authored"],
    )
    return Rules(
        data.get("inflection", ""),
        modifiers,
        exclude_re,
        levels,
        actors,
        relations,
        lists,
        not_actors,
        aliases,
        context,
        ranges,
        domains,
        supers,
        recommendation,
        (frozenset(c["endings"]), re.compile(c["pattern"])) if (c := data.get("complement")) else None,
        (
            (
                frozenset(term(c, "shared") for c in sh["classes"]),
                re.compile(sh["words"], re.I),
                term(sh["class"], "shared"),
            )
            if (sh := data.get("shared"))
            else None
        ),
        tuple(
            (re.compile(n["pattern"], re.M), term(n["class"], n["pattern"]), n.get("national", False))
            for n in data.get("named", [])
        ),
        (re.compile(sg["name"]), term(sg["class"], "signature")) if (sg := data.get("signature")) else None,
        term(sg["holds"], "signature") if (sg := data.get("signature")) and "holds" in sg else None,
        (frozenset(ow["endings"]), re.compile(rf"(?<![\w-])(?:{ow['proper']})\s+$"))
        if (ow := data.get("owner"))
        else None,
        frozenset(data.get("bare", [])),
        term(data["layout"], "layout") if "layout" in data else None,
        (
            MeasureRule(
                term(m["class"], "measure"),
                *(re.compile(m[k], re.I) for k in ("section", "answer", "cue")),
                m.get("min_words", 6),
                term(m["responds"], "measure"),
                re.compile(m["adopted"], re.I),
                term(m["decided"], "measure"),
                term(m["responsible"], "measure"),
                m.get("subject_words", 8),
            )
            if (m := data.get("measure"))
            else None
        ),
        (
            EnumerationRule(
                tuple(
                    (
                        re.compile(rf"\b(?:{n['words']})\b", re.I),
                        re.compile(  # case matters only for the capital after a bare comma
                            rf"\b(?i:{n['words']})\b(?:\s+(?i:som|där)\s+[^,:;.]{{0,60}}?)?"
                            rf"(?:\s*:\s*|\s*,?\s*(?i:{e['marker']})\s+|,\s+(?=[A-ZÅÄÖ]))"
                        ),
                        term(n["class"], "enumerations"),
                    )
                    for n in e.get("noun", [])
                ),
                re.compile(e["next"]),
                re.compile(rf"\s*(?:(?:{e['marker']})\s+)?", re.I),
                e.get("max_words", 6),
            )
            if (e := data.get("enumerations"))
            else None
        ),
        (
            (frozenset(term(c, "suffix") for c in sf["classes"]), re.compile(sf["pattern"]))
            if (sf := data.get("suffix"))
            else None
        ),
        (frozenset(co["endings"]), co.get("window", 3), co["definite"]) if (co := data.get("coreference")) else None,
        (
            (frozenset(term(c, "tail") for c in t["classes"]), re.compile(t["pattern"]))
            if (t := data.get("tail"))
            else None
        ),
        (
            (frozenset(term(c, "structure") for c in st["classes"]), term(st["default"], "structure"))
            if (st := data.get("structure"))
            else None
        ),
    )
