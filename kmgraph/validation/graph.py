"""In-memory triple indexes over pyoxigraph terms, for the SHACL engine.

A ``TripleIndex`` holds one graph (submitted records, a shapes graph); a ``UnionView`` adds a
read-only background (the vocabularies and the ontology) so that value checks see the concepts
without copying them into every data graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_FIRST = ox.NamedNode(RDF + "first")
RDF_REST = ox.NamedNode(RDF + "rest")
RDF_NIL = ox.NamedNode(RDF + "nil")
SUBCLASS_OF = ox.NamedNode(RDFS + "subClassOf")


class TripleIndex:
    def __init__(self, triples: Iterable[ox.Triple | ox.Quad] = ()) -> None:
        self.spo: dict[Term, dict[ox.NamedNode, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self._ops: dict[Term, dict[ox.NamedNode, list[Term]]] | None = None
        self._seen: set[tuple] = set()
        for t in triples:
            self.add(t.subject, t.predicate, t.object)

    def add(self, s: Term, p: ox.NamedNode, o: Term) -> None:
        key = (s, p, o)
        if key in self._seen:
            return
        self._seen.add(key)
        self.spo[s][p].append(o)
        if self._ops is not None:
            self._ops[o][p].append(s)

    def __len__(self) -> int:
        return len(self._seen)

    def triples(self) -> Iterator[tuple[Term, ox.NamedNode, Term]]:
        return iter(self._seen)

    def objects(self, s: Term, p: ox.NamedNode) -> list[Term]:
        by_p = self.spo.get(s)
        return by_p.get(p, []) if by_p else []

    def value(self, s: Term, p: ox.NamedNode) -> Term | None:
        values = self.objects(s, p)
        return values[0] if values else None

    def predicates(self, s: Term) -> list[ox.NamedNode]:
        by_p = self.spo.get(s)
        return [p for p, objs in by_p.items() if objs] if by_p else []

    def _reverse(self) -> dict[Term, dict[ox.NamedNode, list[Term]]]:
        if self._ops is None:
            ops: dict = defaultdict(lambda: defaultdict(list))
            for s, by_p in self.spo.items():
                for p, objs in by_p.items():
                    for o in objs:
                        ops[o][p].append(s)
            self._ops = ops
        return self._ops

    def subjects(self, p: ox.NamedNode, o: Term) -> list[Term]:
        by_p = self._reverse().get(o)
        return by_p.get(p, []) if by_p else []

    def subjects_of(self, p: ox.NamedNode) -> list[Term]:
        return [s for s, by_p in self.spo.items() if by_p.get(p)]

    def objects_of(self, p: ox.NamedNode) -> list[Term]:
        found: dict[Term, None] = {}
        for by_p in self.spo.values():
            for o in by_p.get(p, ()):
                found[o] = None
        return list(found)

    def items(self, head: Term) -> list[Term]:
        """Members of the RDF list starting at ``head``."""
        out: list[Term] = []
        seen: set[Term] = set()
        node = head
        while node != RDF_NIL and node not in seen:
            seen.add(node)
            first = self.value(node, RDF_FIRST)
            if first is None:
                break
            out.append(first)
            node = self.value(node, RDF_REST) or RDF_NIL
        return out


class UnionView:
    """Data graph plus a read-only background graph; writes and targets stay in the data graph."""

    def __init__(self, data: TripleIndex, background: TripleIndex | None = None) -> None:
        self.data = data
        self.background = background

    def objects(self, s: Term, p: ox.NamedNode) -> list[Term]:
        own = self.data.objects(s, p)
        if self.background is None:
            return own
        extra = self.background.objects(s, p)
        if not extra:
            return own
        return own + [o for o in extra if o not in own] if own else extra

    def value(self, s: Term, p: ox.NamedNode) -> Term | None:
        values = self.objects(s, p)
        return values[0] if values else None

    def subjects(self, p: ox.NamedNode, o: Term) -> list[Term]:
        own = self.data.subjects(p, o)
        if self.background is None:
            return own
        extra = self.background.subjects(p, o)
        return own + [s for s in extra if s not in own] if extra else own

    def predicates(self, s: Term) -> list[ox.NamedNode]:
        return self.data.predicates(s)

    def is_instance(self, node: Term, cls: Term, cache: dict | None = None) -> bool:
        """SHACL instance: rdf:type/rdfs:subClassOf* ``cls``."""
        for t in self.objects(node, RDF_TYPE):
            if t == cls or cls in self.superclasses(t, cache):
                return True
        return False

    def superclasses(self, cls: Term, cache: dict | None = None) -> set[Term]:
        if cache is not None and cls in cache:
            return cache[cls]
        found: set[Term] = set()
        stack = [cls]
        while stack:
            for parent in self.objects(stack.pop(), SUBCLASS_OF):
                if parent not in found:
                    found.add(parent)
                    stack.append(parent)
        if cache is not None:
            cache[cls] = found
        return found

    def instances(self, cls: Term) -> list[Term]:
        """Nodes of the data graph that are SHACL instances of ``cls``."""
        classes = {cls}
        stack = [cls]
        while stack:
            for sub in self.subjects(SUBCLASS_OF, stack.pop()):
                if sub not in classes:
                    classes.add(sub)
                    stack.append(sub)
        found: dict[Term, None] = {}
        for c in classes:
            for s in self.data.subjects(RDF_TYPE, c):
                found[s] = None
        return list(found)
