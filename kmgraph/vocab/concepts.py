"""The concept index: every concept of the loaded vocabularies in memory, for search and expansion.

Built from the store in one query and rebuilt when a vocabulary changes. Search is what every form's
autocomplete calls, so it works on precomputed, accent- and case-folded labels: exact matches rank
before prefix matches, which rank before word matches; ``*`` is a wildcard.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import InputError, NotFoundError
from ..namespaces import KMO
from ..queries import TextIndex
from ..resources import query_text
from ..store import Store
from ..store.cache import VocabularyCache

SKOS = "http://www.w3.org/2004/02/skos/core#"
LABEL_KINDS = {SKOS + "prefLabel": "prefLabel", SKOS + "altLabel": "altLabel", SKOS + "hiddenLabel": "hiddenLabel"}
MATCH_PROPERTIES = {SKOS + p for p in ("relatedMatch", "exactMatch", "closeMatch", "broadMatch", "narrowMatch")}
CBD_NOTATION = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Za-z0-9.]+)+$")
VOCAB_GRAPH = "https://w3id.org/kmgraph/graph/vocab/"


_COMBINING = {cp: None for cp in range(0x110000) if unicodedata.combining(chr(cp))}  # marks that fold drops


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Biodiversité' -> 'biodiversite'."""
    return unicodedata.normalize("NFKD", text).translate(_COMBINING).casefold()


@dataclass
class Concept:
    iri: str
    vocab: str = ""
    notations: list[str] = field(default_factory=list)
    pref: dict[str, str] = field(default_factory=dict)
    alt: list[tuple[str, str]] = field(default_factory=list)
    hidden: list[tuple[str, str]] = field(default_factory=list)
    definition: dict[str, str] = field(default_factory=dict)
    schemes: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    narrower: list[str] = field(default_factory=list)
    matches: list[tuple[str, str]] = field(default_factory=list)  # (property, other concept)
    deprecated: bool = False
    replaced_by: list[str] = field(default_factory=list)

    @property
    def notation(self) -> str:
        """The CBD-style identifier when there is one (SDG concepts also carry UN codes)."""
        return next((n for n in self.notations if CBD_NOTATION.match(n)), self.notations[0] if self.notations else "")

    def label(self, lang: str, fallback: tuple[str, ...]) -> tuple[str, str]:
        """(label, language) in ``lang`` or the first fallback language that has one."""
        for candidate in (lang, *fallback):
            if candidate in self.pref:
                return self.pref[candidate], candidate
        if self.pref:
            return next(iter(self.pref.items()))[::-1]
        return (self.notation or self.iri), ""


@dataclass
class Hit:
    concept: Concept
    matched: str
    matched_lang: str
    field: str
    rank: int  # 0 exact, 1 prefix, 2 word prefix, 3 wildcard/substring


def _merge_exact_copies(concepts: dict[str, Concept]) -> tuple[dict[str, Concept], dict[str, Concept]]:
    """Concepts without a notation that a concept with one matches exactly (the official KMGBF IRIs of
    kmgraph's GBF concepts) are not listed twice: their IRI becomes another name of that concept."""
    aliases: dict[str, Concept] = {}
    for c in concepts.values():
        if not c.notations:
            continue
        for prop, other in c.matches:
            copy = concepts.get(other)
            if prop == "exactMatch" and copy is not None and not copy.notations and other not in aliases:
                aliases[other] = c
    return {k: v for k, v in concepts.items() if k not in aliases}, aliases


class ConceptIndex:
    def __init__(self, concepts: dict[str, Concept], aliases: dict[str, Concept] | None = None) -> None:
        self.concepts = concepts
        self.aliases = aliases or {}
        self.by_notation: dict[str, Concept] = {}
        self.entries: list[tuple[str, Concept, str, str, str]] = []  # (folded, concept, text, lang, field)
        for c in concepts.values():
            for n in c.notations:
                self.by_notation.setdefault(n, c)
                self.entries.append((fold(n), c, n, "", "notation"))
            for lang, text in c.pref.items():
                self.entries.append((fold(text), c, text, lang, "prefLabel"))
            for text, lang in c.alt:
                self.entries.append((fold(text), c, text, lang, "altLabel"))
            for text, lang in c.hidden:
                self.entries.append((fold(text), c, text, lang, "hiddenLabel"))
            for parent in c.broader:
                if parent in concepts:
                    concepts[parent].narrower.append(c.iri)
        # Sorted keys make prefix search a binary search: whole labels, and every word of every label.
        self._labels = sorted((e[0], i) for i, e in enumerate(self.entries))
        self._label_keys = [k for k, _ in self._labels]
        words = {(w, i) for i, e in enumerate(self.entries) for w in re.split(r"[\W_]+", e[0]) if w}
        self._words = sorted(words)
        self._word_keys = [w for w, _ in self._words]

    def _prefixed(self, keys: list[str], pairs: list[tuple[str, int]], prefix: str) -> list[int]:
        lo = bisect.bisect_left(keys, prefix)
        hi = bisect.bisect_left(keys, prefix + "\U0010ffff")
        return [pairs[i][1] for i in range(lo, hi)]

    @classmethod
    def build(cls, store: Store) -> ConceptIndex:
        concepts: dict[str, Concept] = {}
        for row in store.query(query_text("system/concept-index")):
            iri = row["c"].value
            c = concepts.get(iri)
            if c is None:
                c = concepts[iri] = Concept(iri, vocab=row["g"].value[len(VOCAB_GRAPH):])
            p, o = row["p"].value, row["o"]
            lang = getattr(o, "language", None) or ""
            if p in LABEL_KINDS:
                kind = LABEL_KINDS[p]
                if kind == "prefLabel":
                    if lang not in c.pref or len(o.value) > len(c.pref[lang]):
                        c.pref[lang] = o.value
                else:
                    getattr(c, "alt" if kind == "altLabel" else "hidden").append((o.value, lang))
            elif p == SKOS + "notation":
                c.notations.append(o.value)
            elif p == SKOS + "definition":
                c.definition[lang] = o.value
            elif p == SKOS + "inScheme":
                c.schemes.append(o.value)
            elif p == SKOS + "broader":
                c.broader.append(o.value)
            elif p in MATCH_PROPERTIES:
                c.matches.append((p[len(SKOS):], o.value))
            elif p.endswith("#deprecated"):
                c.deprecated = o.value == "true"
            elif p.endswith("isReplacedBy"):
                c.replaced_by.append(o.value)
            else:
                c.types.append(o.value)
        classes = {SKOS + "Concept"} | {row["class"].value for row in store.query(query_text("system/concept-classes"))}
        concepts = {k: v for k, v in concepts.items() if classes.intersection(v.types)}
        for c in concepts.values():
            c.notations.sort(key=lambda n: (not CBD_NOTATION.match(n), len(n), n))  # a country: AO before AGO
        return cls(*_merge_exact_copies(concepts))

    # lookups -----------------------------------------------------------------------------------

    def get(self, key: str) -> Concept:
        """A concept by IRI or notation; NotFoundError otherwise."""
        c = self.find(key)
        if c is None:
            raise NotFoundError(f"no concept {key!r} in the loaded vocabularies")
        return c

    def find(self, key: str) -> Concept | None:
        """By IRI, notation or another IRI of the same concept (its official KMGBF IRI)."""
        return self.concepts.get(key) or self.by_notation.get(key) or self.aliases.get(key)

    def ancestors(self, iri: str) -> list[str]:
        """Broader concepts up to the top, nearest first (first parent at each step)."""
        path, seen = [], {iri}
        current = self.concepts.get(iri)
        while current and current.broader:
            parent = next((b for b in current.broader if b not in seen), None)
            if parent is None:
                break
            path.append(parent)
            seen.add(parent)
            current = self.concepts.get(parent)
        return path

    def having_notation(self, notation: str) -> list[str]:
        """The concepts that bind ``?c`` in ``?c skos:notation ?n`` for this ``?n``."""
        return [c.iri for c in self.concepts.values() if notation in c.notations]

    def with_notations(self) -> list[str]:
        """The concepts that have a notation: what ``?c skos:notation ?n`` binds with ``?n`` free."""
        return [c.iri for c in self.concepts.values() if c.notations]

    def tagged_below(self, notation: str) -> list[str]:
        """The concepts with ``notation`` and those below them that have a notation: the tags a
        query matching ``?concept skos:notation ?n . ?tag skos:broader* ?concept . ?tag
        skos:notation ?via`` can bind (the hierarchy as the vocabularies give it)."""
        roots = self.having_notation(notation)
        below = {d for root in roots for d in self.descendants(root)}
        return sorted(set(roots) | {d for d in below if self.concepts[d].notations})

    def descendants(self, iri: str) -> list[str]:
        out, stack, seen = [], [iri], {iri}
        while stack:
            c = self.concepts.get(stack.pop())
            for child in c.narrower if c else []:
                if child not in seen:
                    seen.add(child)
                    out.append(child)
                    stack.append(child)
        return out

    def crosswalk(self, iri: str) -> list[str]:
        """Concepts mapped to or from ``iri`` (SKOS mapping properties, both directions)."""
        c = self.concepts.get(iri)
        found = {o for _, o in c.matches} if c else set()
        found |= {other.iri for other in self.concepts.values() if any(o == iri for _, o in other.matches)}
        return sorted(found - {iri})

    # search ------------------------------------------------------------------------------------

    def containing(self, text: str) -> list[str]:
        """IRIs of the concepts with a label or notation that contains ``text`` once both are folded,
        with the other IRIs of those concepts: a superset of what a case-insensitive SPARQL
        ``CONTAINS`` over their labels keeps (folding maps character by character and drops more
        distinctions than ``LCASE``), for the named queries' ``concept-labels`` index."""
        needle = fold(text)
        found = {e[1].iri for e in self.entries if needle in e[0]}
        found |= {alias for alias, c in self.aliases.items() if c.iri in found}
        return sorted(found)

    def search(self, query: str, *, lang: str | None = None, vocab: str | None = None, type_: str | None = None,
               maxhits: int = 20, offset: int = 0, fallback: tuple[str, ...] = ("en",)) -> tuple[list[Hit], int]:
        """Hits ranked exact > prefix > word prefix > wildcard; one hit per concept; and the total."""
        q = fold(query.strip())
        if not q or q == "*":
            raise InputError("query: give at least one character other than *")
        if len(q) > 200:
            raise InputError("query: at most 200 characters")
        wildcard = None
        if "*" in q:
            wildcard = re.compile("^" + ".*".join(re.escape(part) for part in q.split("*")) + "$")
        type_iri = _type_iri(type_) if type_ else None
        if wildcard is not None:
            candidates = [(i, 3) for i, e in enumerate(self.entries) if wildcard.match(e[0])]
        else:
            ranks: dict[int, int] = {}
            for i in self._prefixed(self._word_keys, self._words, q):
                ranks[i] = 2
            for i in self._prefixed(self._label_keys, self._labels, q):
                ranks[i] = 0 if self.entries[i][0] == q else 1
            candidates = list(ranks.items())
        best: dict[str, Hit] = {}
        for i, rank in candidates:
            _folded, concept, text, label_lang, kind = self.entries[i]
            if lang and label_lang and label_lang != lang and kind != "notation":
                continue
            if vocab and concept.vocab != vocab:
                continue
            if type_iri and type_iri not in concept.types:
                continue
            hit = Hit(concept, text, label_lang, kind, rank)
            previous = best.get(concept.iri)
            if previous is None or _better(hit, previous, lang, fallback):
                best[concept.iri] = hit
        ordered = sorted(best.values(), key=lambda h: (h.rank, h.field != "prefLabel" and h.field != "notation",
                                                         _lang_rank(h.matched_lang, lang, fallback), len(h.matched),
                                                         h.concept.notation))
        return ordered[offset: offset + maxhits], len(ordered)


def _lang_rank(label_lang: str, lang: str | None, fallback: tuple[str, ...]) -> int:
    order = ([lang] if lang else []) + list(fallback)
    return order.index(label_lang) if label_lang in order else len(order)


def _better(a: Hit, b: Hit, lang: str | None, fallback: tuple[str, ...]) -> bool:
    key = lambda h: (h.rank, h.field not in ("prefLabel", "notation"), _lang_rank(h.matched_lang, lang, fallback))
    return key(a) < key(b)


def _type_iri(type_: str) -> str:
    if type_.startswith(("http://", "https://")):
        return type_
    name = type_.split(":", 1)[-1]
    if not re.fullmatch(r"[A-Za-z]+", name):
        raise InputError(f"type: {type_!r} is not a class name such as Target or kmo:Indicator")
    return str(KMO[name]) if name != "Concept" else SKOS + "Concept"


class ConceptIndexCache(VocabularyCache[ConceptIndex]):
    """The index of one store, rebuilt when its vocabularies change."""

    def __init__(self, store: Store) -> None:
        super().__init__(store, ConceptIndex.build)

    def text_indexes(self) -> dict[str, TextIndex]:
        """The text indexes named queries may use (``index:`` in a query's header)."""
        return {"concept-labels": lambda text, rows, values: self.get().containing(text),
                "concepts-below": lambda notation, rows, values: self.get().tagged_below(notation)}
