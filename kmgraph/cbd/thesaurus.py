"""The CBD thesaurus API's domains and terms, read from kmgraph's concepts.

A CBD client (``/api/v2013/thesaurus/...``) reads the same terms from a node's kmgraph as from the
CBD: the GBF goals and targets, the four indicator domains (by an indicator's kind in the CBD list),
the Aichi targets and the countries under the CBD's domain identifiers, and kmgraph's KM strategy and
CHM programme of work under names of their own. Terms carry every language kmgraph holds; relations
(broader, narrower, related) are those between terms of the same domain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import NotFoundError
from ..resources import query_text
from ..store import Store
from ..store.cache import VocabularyCache
from ..vocab.concepts import Concept, ConceptIndex, ConceptIndexCache

KMO = "https://w3id.org/kmgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True)
class Domain:
    domain_id: int  # kmgraph's numbering: the CBD's own numbers for these domains are not published
    identifier: str
    name: str
    member: Callable[[Concept], bool]
    lower_case: bool = False  # the CBD names countries by lower-case ISO codes ("ao")

    def identifier_of(self, concept: Concept) -> str:
        return concept.notation.lower() if self.lower_case else concept.notation


def _typed(*classes: str) -> Callable[[Concept], bool]:
    wanted = {KMO + c for c in classes}
    return lambda c: bool(wanted.intersection(c.types))


def _in_vocabulary(vocab: str, *classes: str) -> Callable[[Concept], bool]:
    typed = _typed(*classes)
    return lambda c: c.vocab == vocab and typed(c)


_AICHI = re.compile(r"^AICHI-TARGET-\d+$")
DOMAINS = (
    Domain(1, "GBF-GOALS", "GBF Goals", _typed("Goal")),
    Domain(2, "GBF-TARGETS", "GBF Targets", _typed("Target")),
    Domain(3, "GBF-GOALS-TARGETS", "GBF Goals and Targets", _typed("Goal", "Target")),
    Domain(4, "GBF-HEADLINE-INDICATORS", "GBF headline indicators", _typed("HeadlineIndicator")),
    Domain(5, "KMGBF-BINARY-INDICATORS", "GBF binary indicators", _typed("BinaryIndicator")),
    Domain(6, "GBF-COMPONENT-INDICATORS", "GBF component indicators", _typed("ComponentIndicator")),
    Domain(7, "GBF-COMPLEMENTARY-INDICATORS", "GBF complementary indicators", _typed("ComplementaryIndicator")),
    Domain(8, "AICHI-TARGETS", "Aichi Biodiversity Targets", lambda c: bool(_AICHI.match(c.notation))),
    Domain(9, "countries", "Countries", _typed("Country"), lower_case=True),
    Domain(10, "KMGRAPH-KM-STRATEGY", "Knowledge management strategy: objectives and actions (kmgraph)",
           _in_vocabulary("km-strategy", "StrategicObjective", "ComponentAction")),
    Domain(11, "KMGRAPH-CHM-POW", "CHM programme of work 2024-2030: goals, outcomes and actions (kmgraph)",
           _in_vocabulary("chm-pow", "CHMGoal", "CHMOutcome", "StrategicAction")),
)
BY_ID = {d.identifier.lower(): d for d in DOMAINS} | {str(d.domain_id): d for d in DOMAINS}
CBD_PREFIX = [(re.compile(r"^GBF-TARGET-(\d+)$"), "GBF-T{0}. "), (re.compile(r"^GBF-GOAL-([A-D])$"), "GBF-G-{0}. ")]


def domain(key: str) -> Domain:
    found = BY_ID.get(key.lower())
    if found is None:
        raise NotFoundError(f"no thesaurus domain {key!r}; GET /api/v2013/thesaurus/domains lists them")
    return found


def domains() -> list[dict]:
    return [{"domainId": d.domain_id, "identifier": d.identifier, "name": d.name} for d in DOMAINS]


def _prefix(notation: str) -> str:
    """The CBD thesaurus writes GBF names with their number first: "GBF-T03. 30% of areas ..."."""
    for pattern, template in CBD_PREFIX:
        if m := pattern.match(notation):
            return template.format(m.group(1))
    return ""


class Thesaurus:
    """The terms of one concept index, shaped as the CBD thesaurus answers them."""

    def __init__(self, index: ConceptIndex, facts: dict[str, dict]) -> None:
        self.index = index
        self._facts = facts  # concept IRI -> {"title": {lang: text}, "shortTitle": ..., "termId": int, ...}

    @classmethod
    def read(cls, store: Store, index: ConceptIndex) -> Thesaurus:
        facts: dict[str, dict] = {}
        for row in store.query(query_text("system/thesaurus-facts")):
            entry = facts.setdefault(row["c"].value, {})
            name, value = row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], row["o"]
            if name in ("title", "shortTitle") and getattr(value, "language", None):
                entry.setdefault(name, {})[value.language] = value.value
            elif name == "termId":
                entry["termId"] = int(value.value)
            elif name == "source":
                entry["source"] = value.value
            elif name == "related":
                entry.setdefault("related", []).append(value.value)
        return cls(index, facts)

    def facts(self, iri: str) -> dict:
        return self._facts.get(iri, {})

    def members(self, d: Domain) -> list[Concept]:
        found = [c for c in self.index.concepts.values() if c.notation and d.member(c)]
        return sorted(found, key=d.identifier_of)

    def terms(self, d: Domain) -> list[dict]:
        members = self.members(d)
        inside = {c.iri for c in members}
        return [self.term(c, d, inside) for c in members]

    def find(self, identifier: str) -> tuple[Concept, Domain]:
        concept = self.index.find(identifier) or self.index.find(identifier.upper())
        if concept is not None:
            for d in DOMAINS:
                if d.member(concept):
                    return concept, d
        raise NotFoundError(f"no term {identifier!r} in the thesaurus domains kmgraph holds")

    def one(self, identifier: str) -> dict:
        concept, d = self.find(identifier)
        return self.term(concept, d, {c.iri for c in self.members(d)})

    def term(self, c: Concept, d: Domain, inside: set[str]) -> dict:
        facts = self.facts(c.iri)
        prefix = _prefix(c.notation)
        titles = facts.get("title") or c.pref
        short = facts.get("shortTitle") or {}
        name = prefix + (titles.get("en") or c.pref.get("en") or c.notation)
        same = lambda iris: [d.identifier_of(self.index.concepts[i]) for i in iris if i in inside]
        related = facts.get("related", [])
        out = {
            "termId": facts.get("termId"),
            "identifier": d.identifier_of(c),
            "name": name,
            "title": {lang: prefix + text for lang, text in titles.items()},
            "shortTitle": {lang: prefix + text for lang, text in short.items()},
            "description": c.definition.get("en", ""),
            "longDescription": dict(c.definition),
            "source": facts.get("source", ""),
            "broaderTerms": same(c.broader),
            "narrowerTerms": same(c.narrower),
            "relatedTerms": same(related),
            "nonPreferedTerms": [],
        }
        if out["termId"] is None:
            del out["termId"]
        return out


class ThesaurusCache(VocabularyCache[Thesaurus]):
    """The thesaurus of one store, read again when its vocabularies change."""

    def __init__(self, store: Store, concepts: ConceptIndexCache) -> None:
        super().__init__(store, lambda s: Thesaurus.read(s, concepts.get()))
