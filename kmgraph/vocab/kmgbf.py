"""The official KMGBF graph read as metadata.cbd.int's REST API shapes it: goals, targets, indicators.

The data is the ``kmgbf`` vocabulary (the CBD Secretariat's KMGBF Monitoring Framework Ontology, as
published), read in one query and kept until a vocabulary changes. Lists give flat rows (one label
per language column) that serialise as JSON, CSV or xlsx alike; single records give every text as a
``{language: text}`` object. Languages are those of the official data: English, French, Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError, NotFoundError
from ..resources import query_text
from ..store import Store
from ..store.cache import VocabularyCache
from .concepts import fold

NS = "http://metadata.cbd.int/kmgbf/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
LANGUAGES = ("en", "fr", "es")
ROLES = {"isHeadlineFor": "headline", "isBinaryFor": "binary", "isComponentFor": "component",
         "isComplementaryFor": "complementary"}
ROLE_CODES = {"headline": "HI", "binary": "BI", "component": "CT", "complementary": "CY"}
CITATION = ("Secretariat of the Convention on Biological Diversity (2026). KMGBF Monitoring Framework Ontology. "
            "Version 1.0.1. http://metadata.cbd.int/kmgbf/ontology")


def languages(lang: str) -> tuple[str, ...]:
    """The languages a ``lang`` parameter asks for; InputError (400) for any other value."""
    if lang == "all":
        return LANGUAGES
    if lang in LANGUAGES:
        return (lang,)
    raise InputError(f"lang={lang!r}: choose one of {', '.join(LANGUAGES)} or all")


def role_of(name: str) -> str:
    if name not in ROLE_CODES:
        raise InputError(f"role={name!r}: choose one of {', '.join(ROLE_CODES)}")
    return name


@dataclass
class Entity:
    uri: str
    type: str  # Goal, Target, Indicator
    code: str
    label: dict[str, str] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    custodians: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (role, goal or target uri)

    @property
    def sort_key(self) -> tuple:
        number = self.code.isdigit()
        return (number, int(self.code) if number else 0, self.code)


def _texts(values: dict[str, str], langs: tuple[str, ...]) -> dict[str, str]:
    return {lang: values[lang] for lang in langs if lang in values}


def _columns(name: str, values: dict[str, str], langs: tuple[str, ...]) -> dict[str, str | None]:
    """One column for one language (``label``), one per language for ``lang=all`` (``label_fr`` ...)."""
    if len(langs) == 1:
        return {name: values.get(langs[0])}
    return {f"{name}_{lang}": values.get(lang) for lang in langs}


class Kmgbf:
    """The goals, targets and indicators of one reading of the official graph."""

    def __init__(self, entities: list[Entity]) -> None:
        self.by_uri = {e.uri: e for e in entities}
        ordered = sorted(entities, key=lambda e: e.sort_key)
        self.goals = [e for e in ordered if e.type == "Goal"]
        self.targets = [e for e in ordered if e.type == "Target"]
        self.indicators = [e for e in ordered if e.type == "Indicator"]

    @classmethod
    def read(cls, store: Store) -> Kmgbf:
        entities: dict[str, Entity] = {}
        for row in store.query(query_text("kmgbf/entities"), union_default_graph=False):
            uri, p, o = row["s"].value, row["p"].value, row["o"]
            e = entities.get(uri)
            if e is None:
                e = entities[uri] = Entity(uri, row["type"].value.rsplit("#", 1)[-1], "")
            lang = getattr(o, "language", None)
            if p in (NS + "goalCode", NS + "targetCode", NS + "indicatorCode"):
                e.code = o.value
            elif p == SKOS + "prefLabel" and lang:
                e.label[lang] = o.value
            elif p == SKOS + "altLabel" and lang:
                e.alt.setdefault(lang, []).append(o.value)
            elif p == DCT + "title" and lang:
                e.title[lang] = o.value
            elif p == SKOS + "definition" and lang:
                e.definition[lang] = o.value
            elif p == DCT + "source":
                e.source = o.value
            elif p == NS + "custodianAgency":
                e.custodians.append(o.value)
            elif p.startswith(NS) and p[len(NS):] in ROLES:
                e.links.append((ROLES[p[len(NS):]], o.value))
        for e in entities.values():
            e.custodians.sort()
            e.links.sort()
            for values in e.alt.values():
                values.sort()
        return cls(list(entities.values()))

    # --- lookups ----------------------------------------------------------------------------

    def goal(self, code: str) -> Entity:
        return self._find(self.goals, code.upper(), f"no goal {code!r}: the goals are A, B, C and D")

    def target(self, number: str) -> Entity:
        key = str(int(number)) if number.isdigit() else number
        return self._find(self.targets, key, f"no target {number!r}: the targets are numbered 1 to 23")

    def indicator(self, code: str) -> Entity:
        return self._find(self.indicators, code, f"no indicator {code!r} (codes look like A.1, 3.1, 1.b, A.CT.1)")

    @staticmethod
    def _find(items: list[Entity], code: str, message: str) -> Entity:
        found = next((e for e in items if e.code == code), None)
        if found is None:
            raise NotFoundError(message)
        return found

    def indicators_of(self, entity: Entity) -> list[tuple[Entity, str]]:
        return [(i, role) for i in self.indicators for role, uri in i.links if uri == entity.uri]

    # --- rows and records -------------------------------------------------------------------

    def row(self, e: Entity, langs: tuple[str, ...], definition: bool = False) -> dict:
        out = {"code": e.code, "uri": e.uri, **_columns("label", e.label, langs)}
        if e.type != "Indicator":
            out |= _columns("title", e.title, langs)
        if definition:
            out |= _columns("definition", e.definition, langs)
        return out

    def record(self, e: Entity, langs: tuple[str, ...]) -> dict:
        out = {"code": e.code, "uri": e.uri, "type": e.type, "label": _texts(e.label, langs)}
        if e.type != "Indicator":
            out |= {"title": _texts(e.title, langs), "altLabel": _texts({k: v for k, v in e.alt.items()}, langs)}
        out["definition"] = _texts(e.definition, langs) or None
        out["source"] = e.source
        if e.type == "Indicator":
            out["custodianAgency"] = e.custodians or None
            out["monitors"] = [self._brief(self.by_uri[uri], langs) | {"role": role} for role, uri in e.links]
        else:
            out["indicators"] = [self._brief(i, langs) | {"role": role} for i, role in self.indicators_of(e)]
        return out

    def _brief(self, e: Entity, langs: tuple[str, ...]) -> dict:
        return {"uri": e.uri, "type": e.type, "code": e.code, "label": _texts(e.label, langs)}

    def linked_indicators(self, e: Entity, langs: tuple[str, ...], definition: bool = False) -> list[dict]:
        return [self.row(i, langs, definition) | {"role": role} for i, role in self.indicators_of(e)]

    def indicator_rows(self, langs: tuple[str, ...], role: str | None = None, definition: bool = False) -> list[dict]:
        rows = []
        for i in self.indicators:
            roles = sorted({r for r, _ in i.links}, key=list(ROLE_CODES).index)
            if role is None or role in roles:
                rows.append(self.row(i, langs, definition) | {"roles": roles})
        return rows

    def role_rows(self, langs: tuple[str, ...], role: str | None = None) -> list[dict]:
        """One row per indicator x role x goal or target (274 in version 1.0.1)."""
        rows = []
        for i in self.indicators:
            for r, uri in i.links:
                if role is not None and r != role:
                    continue
                other = self.by_uri[uri]
                rows.append({"indicator": i.code, "indicatorUri": i.uri, **_columns("indicatorLabel", i.label, langs),
                             "role": r, "roleCode": ROLE_CODES[r], "type": other.type, "goalOrTarget": other.code,
                             "goalOrTargetUri": other.uri, **_columns("goalOrTargetLabel", other.label, langs)})
        return rows

    def search(self, q: str, langs: tuple[str, ...], definition: bool = False) -> list[dict]:
        """Goals, targets and indicators whose labels (and, if asked, definitions) contain ``q``,
        case- and accent-insensitively, in the languages asked for."""
        needle = fold(q.strip())
        if not needle:
            raise InputError("q: give a search term")
        found = []
        for e in [*self.goals, *self.targets, *self.indicators]:
            texts = [*_texts(e.label, langs).values(), *_texts(e.title, langs).values(),
                     *(t for lang in langs for t in e.alt.get(lang, []))]
            if definition:
                texts += _texts(e.definition, langs).values()
            if any(needle in fold(t) for t in texts):
                found.append({"type": e.type} | self.row(e, langs, definition))
        return found

    def custodian_agencies(self) -> dict:
        agencies: dict[str, list[str]] = {}
        for i in self.indicators:
            for agency in i.custodians:
                agencies.setdefault(agency, []).append(i.code)
        rows = [{"agency": a, "indicators": codes} for a, codes in sorted(agencies.items(), key=lambda kv: fold(kv[0]))]
        return {"count": len(rows), "custodianAgencies": rows}


class KmgbfCache(VocabularyCache[Kmgbf]):
    """The official graph of one store, read again when its vocabularies change."""

    def __init__(self, store: Store) -> None:
        super().__init__(store, Kmgbf.read)

    def get(self) -> Kmgbf:
        data = super().get()
        if not data.by_uri:
            raise NotFoundError("the kmgbf vocabulary (the official KMGBF graph) is not loaded in this store")
        return data
