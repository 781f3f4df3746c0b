"""The SSSOM data model as the SSSOM project publishes it (the ``sssom-schema`` package).

Which slots a mapping and a mapping set have, which are multi-valued or propagatable, their ranges,
bounds, patterns and RDF properties, and the built-in prefixes: all are read from the official
LinkML schema and JSON-LD context, so kmgraph follows the standard instead of a hand-kept list. The
files are read as data; the package's generated Python classes (and linkml-runtime) are not imported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import yaml

# The prefixes every SSSOM table may use without declaring them (SSSOM/TSV specification).
BUILT_IN_PREFIXES = ("sssom", "owl", "rdf", "rdfs", "skos", "semapv")


@dataclass(frozen=True)
class Slot:
    name: str
    range: str
    uri: str
    multivalued: bool = False
    propagatable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: re.Pattern[str] | None = None

    @property
    def is_reference(self) -> bool:
        """A CURIE in SSSOM/TSV, an IRI in RDF."""
        return self.range in ("EntityReference", "uriorcurie")


@dataclass(frozen=True)
class Model:
    slots: dict[str, Slot]
    mapping_slots: tuple[str, ...]
    set_slots: tuple[str, ...]
    enums: dict[str, dict[str, str | None]]  # enum name -> permissible value -> its meaning's IRI
    built_in: dict[str, str]  # built-in prefix -> namespace
    namespaces: dict[str, str]  # every prefix the schema's own IRIs use

    @property
    def propagatable(self) -> tuple[str, ...]:
        return tuple(name for name in self.set_slots if self.slots[name].propagatable)

    def slot_for_uri(self, uri: str, among: tuple[str, ...]) -> Slot | None:
        return next((self.slots[n] for n in among if self.slots[n].uri == uri), None)


def _schema_file(name: str) -> Path:
    return Path(str(metadata.distribution("sssom-schema").locate_file(f"sssom_schema/{name}")))


@cache
def model() -> Model:
    schema = yaml.safe_load(_schema_file("schema/sssom_schema.yaml").read_text(encoding="utf-8"))
    context = json.loads(_schema_file("context/sssom_schema.context.jsonld").read_text(encoding="utf-8"))
    namespaces = {k: v for k, v in context["@context"].items() if isinstance(v, str) and not k.startswith("@")}
    namespaces.update(schema.get("prefixes", {}))

    def expand(curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return namespaces[prefix] + local

    slots = {}
    for name, spec in schema["slots"].items():
        annotations = spec.get("annotations") or {}
        propagated = annotations.get("propagated")
        pattern = spec.get("pattern")
        slots[name] = Slot(
            name=name,
            range=spec.get("range", schema.get("default_range", "string")),
            uri=expand(spec["slot_uri"]) if "slot_uri" in spec else namespaces["sssom"] + name,
            multivalued=bool(spec.get("multivalued")),
            propagatable=propagated is True or (isinstance(propagated, dict) and propagated.get("value") is True),
            minimum=spec.get("minimum_value"),
            maximum=spec.get("maximum_value"),
            pattern=re.compile(pattern) if pattern else None,
        )
    enums = {name: {value: (expand(spec["meaning"]) if isinstance(spec, dict) and spec.get("meaning") else None)
                    for value, spec in enum["permissible_values"].items()}
             for name, enum in schema["enums"].items()}
    classes = schema["classes"]
    return Model(slots=slots, mapping_slots=tuple(classes["mapping"]["slots"]),
                 set_slots=tuple(classes["mapping set"]["slots"]), enums=enums,
                 built_in={p: namespaces[p] for p in BUILT_IN_PREFIXES}, namespaces=namespaces)
