"""The KM document schemas of the CBD clearing-house, as kmgraph reads them.

``ontology/km-documents/schemas.json`` holds, for each of the 11 schemas, every documented field with
its kind (lstring, term, reference, link, boolean, integer, number, string, date, header, object,
section), whether it takes a list, the documented Mandatory flag, and for term fields the thesaurus
domains kmgraph holds and the form rules (terms that need a ``customValue``, fixed identifiers). It is
generated with the JSON-LD contexts and the SHACL shapes by ``scripts/build_km_documents.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import InputError
from ..resources import ONTOLOGY_DIR

KM_DIR = ONTOLOGY_DIR / "km-documents"
KMDOC = "https://w3id.org/kmgraph/km-document#"
UN_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


@dataclass(frozen=True)
class Field:
    path: str  # "title", "nagoya.mccKeywords", "sectionIII.levelOfProgress"
    kind: str
    array: bool | None  # None: a block given as one object or as a list of them
    mandatory: bool
    domain: str = ""
    held: tuple[str, ...] = ()  # thesaurus domains kmgraph holds and checks
    open: bool = True  # a term of another domain is possible: it is listed as not checked
    custom_value_for: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Schema:
    name: str
    source: str
    fields: tuple[Field, ...]
    context: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def class_iri(self) -> str:
        return KMDOC + self.name[0].upper() + self.name[1:]

    def children(self, parent: str = "") -> dict[str, Field]:
        """The fields directly inside ``parent`` (the document itself when empty), by name."""
        prefix = parent + "." if parent else ""
        return {f.name: f for f in self.fields
                if f.path.startswith(prefix) and "." not in f.path[len(prefix):]}


@dataclass(frozen=True)
class Catalogue:
    schemas: dict[str, Schema]
    tolerated: frozenset[str]
    other_term: str

    def get(self, name: str) -> Schema:
        if name not in self.schemas:
            raise InputError(f"unknown schema {name!r}; kmgraph validates {', '.join(sorted(self.schemas))}",
                             detail={"schemas": sorted(self.schemas)})
        return self.schemas[name]


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    data = json.loads((KM_DIR / "schemas.json").read_text(encoding="utf-8"))
    schemas = {}
    for entry in data["schemas"]:
        fields = tuple(Field(f["path"], f["kind"], f["array"], f["mandatory"], f.get("domain", ""),
                             tuple(f.get("held", ())), f.get("open", True), tuple(f.get("customValueFor", ())),
                             tuple(f.get("fixed", ()))) for f in entry["fields"])
        context = json.loads((KM_DIR / "contexts" / f"{entry['schema']}.jsonld").read_text(encoding="utf-8"))
        schemas[entry["schema"]] = Schema(entry["schema"], entry["source"], fields, context["@context"])
    return Catalogue(schemas, frozenset(data["tolerated"]), data["otherTerm"])
