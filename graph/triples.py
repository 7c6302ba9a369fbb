"""The parsed triples indexed for the checks that walk the graph (graph.evidence, graph.lint, graph.validate).

Validation used to copy every triple into rdflib's memory store to ask it a few kinds of question (the
objects of a subject's predicate, the subjects of a predicate's object, a transitive closure): at the
real scale the copy alone took longer than all the checks. `Triples` answers the same questions from
two dictionaries over the parser's own pyoxigraph terms (hashed in Rust), with no copy of any term.
A triple stated twice (in two files) is held once, as in an rdflib graph.

>>> a, b, c = (ox.NamedNode(f"http://x/{n}") for n in "abc")
>>> g = Triples([ox.Triple(a, TYPE, c), ox.Triple(b, TYPE, c), ox.Triple(a, TYPE, c)])
>>> len(g), g.subjects(TYPE, c) == [a, b], g.value(a, TYPE) == c, (b, TYPE, c) in g
(2, True, True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .namespaces import PREFIXES


def iri(prefix: str, local: str) -> ox.NamedNode:
    """The IRI `prefix:local` (a prefix of graph.namespaces.PREFIXES) as a pyoxigraph term."""
    return ox.NamedNode(PREFIXES[prefix] + local)


TYPE = iri("rdf", "type")


def text(term) -> str:
    """A term's text as rdflib's `str` gives it: an IRI, a blank node's id, a literal's lexical form
    (pyoxigraph's `str` writes N-Triples instead)."""
    return term.value if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)) else str(term)


_NONE: tuple = ()
#: Up to this many objects of one subject's predicate, a repeated triple is looked for in their list.
SHORT = 32


class Triples:
    """Triples, each held once, indexed by predicate then subject and by predicate then object, each
    list in the order the triples came (the files' order)."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self._so: dict = {}  # predicate → subject → [object]
        self._os: dict = {}  # predicate → object → [subject]
        many: dict = {}  # (predicate, subject) → set of its objects, once there are more than SHORT
        so, os_ = self._so, self._os
        n = 0
        for t in triples:
            s, p, o = t
            by_s = so.get(p)
            if by_s is None:
                by_s = so[p] = {}
                os_[p] = {}
            objects = by_s.get(s)
            if objects is None:
                by_s[s] = [o]
            elif len(objects) < SHORT:  # a triple held already: looked for in the list
                if o in objects:
                    continue
                objects.append(o)
            else:  # … or in a set beside a long list
                seen = many.get((p, s))
                if seen is None:
                    seen = many[(p, s)] = set(objects)
                if o in seen:
                    continue
                seen.add(o)
                objects.append(o)
            n += 1
            by_o = os_[p]
            subjects = by_o.get(o)
            if subjects is None:
                by_o[o] = [s]
            else:
                subjects.append(s)
        self._len = n

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[tuple]:
        """Every triple, as (subject, predicate, object)."""
        for p, by_s in self._so.items():
            for s, objects in by_s.items():
                for o in objects:
                    yield s, p, o

    def __contains__(self, triple: tuple) -> bool:
        """Whether the triple is held; None in it matches any term (as in rdflib's `in`)."""
        s, p, o = triple
        if s is not None and p is not None:
            objects = self._so.get(p, {}).get(s, _NONE)
            return bool(objects) if o is None else o in objects
        predicates = [p] if p is not None else list(self._so)
        for q in predicates:
            by_s = self._so.get(q, {})
            for objects in by_s.values() if s is None else [by_s.get(s, _NONE)]:
                if objects and (o is None or o in objects):
                    return True
        return False

    def objects(self, subject, predicate) -> list:
        """The objects of `subject`'s `predicate`."""
        return self._so.get(predicate, {}).get(subject, [])

    def subjects(self, predicate, object=None) -> list:
        """The subjects with `object` as value of `predicate` (every subject of `predicate`: None)."""
        if object is None:
            return list(self._so.get(predicate, ()))
        return self._os.get(predicate, {}).get(object, [])

    def value(self, subject, predicate):
        """An object of `subject`'s `predicate` (the first stated), or None."""
        got = self._so.get(predicate, {}).get(subject)
        return got[0] if got else None

    def subject(self, predicate, object):
        """A subject with `object` as value of `predicate` (the first stated), or None."""
        got = self._os.get(predicate, {}).get(object)
        return got[0] if got else None

    def subject_objects(self, predicate) -> Iterator[tuple]:
        """Every (subject, object) of `predicate`."""
        for s, objects in self._so.get(predicate, {}).items():
            for o in objects:
                yield s, o

    def transitive_subjects(self, predicate, object) -> list:
        """`object` and every subject reaching it by a chain of `predicate`, depth first (as rdflib's
        `Graph.transitive_subjects` yields them)."""
        out: list = []
        seen: set = set()

        def walk(node) -> None:
            if node in seen:
                return
            seen.add(node)
            out.append(node)
            for s in self.subjects(predicate, node):
                walk(s)

        walk(object)
        return out
