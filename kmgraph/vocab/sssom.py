"""Read and write SSSOM/TSV mapping sets, and turn them into SKOS and back.

An SSSOM/TSV file (https://mapping-commons.github.io/sssom/) is a block of ``#``-prefixed YAML
(the set-level slots) followed by a TSV whose columns are mapping slots. The slots, their ranges and
their RDF properties come from the official schema (``kmgraph.vocab.sssom_model``); CURIEs are
expanded and contracted by a ``curies`` converter made of SSSOM's built-in prefixes and the set's
``curie_map``. What the reader does, as the specification asks:

- multi-valued slots hold ``|``-separated values in a cell (a YAML list at set level);
- propagatable set-level slots are propagated to every mapping (unless the table has that column),
  and the writer condenses them back when every mapping agrees;
- ``predicate_modifier: Not`` is a negated mapping: it is kept, with its provenance, but never
  asserted as a positive SKOS triple;
- extension slots declared in ``extension_definitions`` are kept with their property and type;
  undeclared non-standard slots are dropped and reported in ``MappingSet.ignored``.

In RDF a set is an ``sssom:MappingSet`` whose ``sssom:mappings`` are ``owl:Axiom`` nodes annotating
the SKOS triple (the form of SSSOM's own RDF/OWL output), so provenance stays queryable.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import curies
import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS, XSD
from rdflib.term import Node

from ..errors import InputError
from ..namespaces import PREFIXES, SSSOM
from .sssom_model import Slot, model

MAPPING_PREDICATES = frozenset(str(p) for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch,
                                                SKOS.narrowMatch, SKOS.relatedMatch))
NEGATED = "Not"
NO_TERM_FOUND = str(SSSOM.NoTermFound)
UNSPECIFIED_JUSTIFICATION = "semapv:UnspecifiedMatching"
REQUIRED_SET_SLOTS = ("mapping_set_id", "license")
REQUIRED_MAPPING_SLOTS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
SPECIAL_SET_SLOTS = ("mapping_set_id", "curie_map", "extension_definitions", "mappings")
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
SEPARATOR = "|"
TYPE_HINT_PREFIXES = {"xsd": str(XSD), "linkml": "https://w3id.org/linkml/"}
LINKML_URIORCURIE = "https://w3id.org/linkml/Uriorcurie"

Value = str | list[str]


@dataclass(frozen=True)
class Extension:
    """A non-standard slot declared in ``extension_definitions``."""
    slot_name: str
    property: str  # as written (a CURIE or an IRI)
    type_hint: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"slot_name": self.slot_name, "property": self.property}
        return out | ({"type_hint": self.type_hint} if self.type_hint else {})


@dataclass
class MappingSet:
    metadata: dict[str, Any]
    mappings: list[dict[str, Value]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # what the reader dropped, for the curator
    lines: list[int] = field(default_factory=list)  # line of each mapping in its file, for messages

    @property
    def curie_map(self) -> dict[str, str]:
        return self.metadata.get("curie_map") or {}

    @property
    def extensions(self) -> dict[str, Extension]:
        return {e["slot_name"]: Extension(e["slot_name"], e["property"], e.get("type_hint"))
                for e in self.metadata.get("extension_definitions") or []}

    def converter(self) -> curies.Converter:
        return converter_for(self.curie_map)

    def where(self, index: int) -> str:
        return f"line {self.lines[index]}" if index < len(self.lines) else f"mapping {index + 1}"


def converter_for(curie_map: dict[str, str]) -> curies.Converter:
    """SSSOM's built-in prefixes and a set's own; redefining a built-in is an error (SSSOM/TSV)."""
    built_in = model().built_in
    for prefix, namespace in curie_map.items():
        if not isinstance(prefix, str) or not isinstance(namespace, str):
            raise InputError(f"SSSOM: curie_map entry {prefix!r}: {namespace!r} is not a prefix and a namespace")
        if prefix in built_in and namespace != built_in[prefix]:
            raise InputError(f"SSSOM: curie_map redefines the built-in prefix {prefix!r} "
                             f"({namespace} instead of {built_in[prefix]})")
    merged = {**built_in, **curie_map}
    try:
        return curies.Converter.from_prefix_map(merged)
    except ValueError as exc:  # curies: two prefixes for one namespace
        raise InputError(f"SSSOM: curie_map is not usable: {exc}") from exc


# --- SSSOM/TSV --------------------------------------------------------------------------------------

def read_sssom(path: Path | str) -> MappingSet:
    """An SSSOM/TSV file as a mapping set, propagated and checked against the schema."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: an SSSOM/TSV file is UTF-8 text") from exc
    return parse_sssom(text, str(path))


def parse_sssom(text: str, name: str = "SSSOM table") -> MappingSet:
    lines = text.splitlines()
    header_end = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    try:
        metadata = yaml.safe_load("\n".join(line[1:] for line in lines[:header_end])) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: the SSSOM metadata block is not valid YAML: {exc}") from exc
    if not isinstance(metadata, dict):
        raise InputError(f"{name}: the SSSOM metadata block must be a YAML mapping of slots")
    mset = MappingSet({})
    _read_metadata(mset, metadata)
    reader = csv.reader(lines[header_end:], delimiter="\t")
    columns = next(reader, None)
    if columns is None:
        raise InputError(f"{name}: the SSSOM table has no header row")
    kept = _columns(mset, columns)
    for number, cells in enumerate(reader, start=header_end + 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            raise InputError(f"{name}, line {number}: {len(cells)} cells for {len(columns)} columns")
        mapping = {}
        for column, cell in zip(columns, cells):
            cell = cell.strip()
            if cell and column in kept:
                mapping[column] = _split(cell) if _is_multivalued(column) else cell
        mset.mappings.append(mapping)
        mset.lines.append(number)
    _propagate(mset, set(columns))
    converter = mset.converter()
    for index, mapping in enumerate(mset.mappings):
        check_mapping(mset, converter, index, mapping)
    return mset


def _read_metadata(mset: MappingSet, metadata: dict) -> None:
    m = model()
    definitions = metadata.pop("extension_definitions", None) or []
    if not isinstance(definitions, list):
        raise InputError("SSSOM: extension_definitions must be a list")
    valid = []
    for definition in definitions:
        if (isinstance(definition, dict) and isinstance(definition.get("slot_name"), str)
                and NCNAME.match(definition["slot_name"]) and isinstance(definition.get("property"), str)
                and set(definition) <= {"slot_name", "property", "type_hint"}
                and definition["slot_name"] not in m.slots):
            valid.append(definition)
        else:  # the specification: an invalid definition is ignored
            mset.ignored.append(f"extension definition {definition!r}: it needs a slot_name (an NCName "
                                f"that is not an SSSOM slot) and a property, and nothing else")
    if valid:
        mset.metadata["extension_definitions"] = valid
    extensions = mset.extensions
    for key, value in metadata.items():
        if key in ("curie_map", "extension_definitions"):
            mset.metadata[key] = value
        elif key in m.set_slots or key in extensions:
            # YAML reads dates and numbers; SSSOM values are their lexical forms.
            mset.metadata[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
        else:
            mset.ignored.append(f"set-level slot {key!r}: not an SSSOM slot nor a declared extension")
    converter_for(mset.curie_map)  # fails early on a broken curie_map


def _columns(mset: MappingSet, columns: list[str]) -> set[str]:
    m, extensions = model(), mset.extensions
    if len(set(columns)) != len(columns):
        raise InputError(f"SSSOM: a column appears twice in {columns}")
    kept = {c for c in columns if c in m.mapping_slots or c in extensions}
    mset.ignored.extend(f"column {c!r}: not an SSSOM slot nor a declared extension"
                         for c in columns if c not in kept)
    return kept


def _is_multivalued(slot: str) -> bool:
    spec = model().slots.get(slot)
    return bool(spec and spec.multivalued)


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(SEPARATOR) if v.strip()]


def _propagate(mset: MappingSet, columns: set[str]) -> None:
    """Set-level values of propagatable slots move to every mapping, unless the table has the column
    (then the set-level value is not propagated, as the specification says)."""
    for slot in model().propagatable:
        if slot not in mset.metadata:
            continue
        if slot in columns:
            mset.ignored.append(f"set-level value of {slot!r}: the table has that column, so it is not propagated")
            continue
        value = mset.metadata.pop(slot)
        for mapping in mset.mappings:
            mapping[slot] = value


def write_sssom(mset: MappingSet, path: Path | str, *, condense: bool = True) -> None:
    Path(path).write_text(format_sssom(mset, condense=condense), encoding="utf-8")


def format_sssom(mset: MappingSet, *, condense: bool = True) -> str:
    m = model()
    metadata = dict(mset.metadata)
    mappings = [dict(mapping) for mapping in mset.mappings]
    if condense and mappings:
        for slot in m.propagatable:
            values = [mapping.get(slot) for mapping in mappings]
            if values[0] not in (None, "", []) and all(v == values[0] for v in values) and slot not in metadata:
                metadata[slot] = values[0]
                for mapping in mappings:
                    del mapping[slot]
    extensions = list(mset.extensions)
    order = [*m.set_slots, *extensions]
    metadata = {k: metadata[k] for k in sorted(metadata, key=lambda k: order.index(k) if k in order else len(order))}
    out = io.StringIO()
    for line in yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=100).splitlines():
        out.write(f"#{line}\n")
    present = {k for mapping in mappings for k, v in mapping.items() if v not in (None, "", [])}
    columns = [c for c in (*m.mapping_slots, *extensions) if c in present]
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    for mapping in mappings:
        writer.writerow([_cell(mapping.get(c)) for c in columns])
    return out.getvalue()


def _cell(value: Value | None) -> str:
    if value is None:
        return ""
    return SEPARATOR.join(value) if isinstance(value, list) else str(value)


# --- checking -----------------------------------------------------------------------------------------

def check_mapping(mset: MappingSet, converter: curies.Converter, index: int, mapping: dict[str, Value]) -> None:
    """Required slots, then every value against its slot's range, bounds and pattern."""
    where = mset.where(index)
    missing = [s for s in REQUIRED_MAPPING_SLOTS if not mapping.get(s)]
    if missing:
        raise InputError(f"SSSOM, {where}: no {', '.join(missing)} (required for every mapping)")
    if mapping.get("subject_type") == "rdfs literal" or mapping.get("object_type") == "rdfs literal":
        raise InputError(f"SSSOM, {where}: literal mappings (subject_type or object_type 'rdfs literal') "
                         f"cannot become SKOS mappings")
    modifier = mapping.get("predicate_modifier")
    if modifier not in (None, NEGATED):
        raise InputError(f"SSSOM, {where}: predicate_modifier {modifier!r} is not one of: {NEGATED}")
    for slot, value in mapping.items():
        spec = model().slots.get(slot)
        for item in value if isinstance(value, list) else [value]:
            if spec is not None:
                _check_value(spec, item, where)
            _term(mset, converter, slot, item, where)  # expands CURIEs: an unknown prefix fails here


def _check_value(slot: Slot, value: str, where: str) -> None:
    if slot.pattern and not slot.pattern.match(value):
        raise InputError(f"SSSOM, {where}: {slot.name} {value!r} does not match {slot.pattern.pattern}")
    if slot.range == "double":
        try:
            number = float(value)
        except ValueError:
            raise InputError(f"SSSOM, {where}: {slot.name} {value!r} is not a number") from None
        if (slot.minimum is not None and number < slot.minimum) or (slot.maximum is not None and number > slot.maximum):
            raise InputError(f"SSSOM, {where}: {slot.name} {value} is outside [{slot.minimum}, {slot.maximum}]")
    elif slot.range == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise InputError(f"SSSOM, {where}: {slot.name} {value!r} is not a date (YYYY-MM-DD)") from None
    elif slot.range in model().enums and value not in model().enums[slot.range]:
        raise InputError(f"SSSOM, {where}: {slot.name} {value!r} is not one of: "
                         f"{', '.join(model().enums[slot.range])}")


# --- to RDF and back ------------------------------------------------------------------------------------

def _iri(converter: curies.Converter, value: str, where: str, slot: str) -> URIRef:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value) or value.startswith("urn:"):
        return URIRef(value)
    try:
        return URIRef(converter.expand(value, strict=True))
    except (curies.api.ExpansionError, ValueError):
        raise InputError(f"SSSOM, {where}: {slot} {value!r} is a CURIE whose prefix is not in curie_map "
                         f"(nor built in)") from None


def _term(mset: MappingSet, converter: curies.Converter, slot: str, value: str, where: str) -> Node:
    """The RDF term of one slot value: IRIs for references, typed literals for numbers and dates."""
    spec = model().slots.get(slot)
    if spec is None:
        hint = _type_hint(converter, mset.extensions[slot])
        if hint == LINKML_URIORCURIE:
            return _iri(converter, value, where, slot)
        return Literal(value) if hint == str(XSD.string) else Literal(value, datatype=URIRef(hint))
    if spec.is_reference:
        return _iri(converter, value, where, slot)
    if spec.range in ("uri", "NonRelativeURI"):
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            raise InputError(f"SSSOM, {where}: {slot} {value!r} is not an absolute IRI")
        return URIRef(value)
    if spec.range == "double":
        return Literal(value, datatype=XSD.double)
    if spec.range == "date":
        return Literal(value, datatype=XSD.date)
    meaning = model().enums.get(spec.range, {}).get(value)
    return URIRef(meaning) if meaning else Literal(value)


def _type_hint(converter: curies.Converter, extension: Extension) -> str:
    """An extension's type as an IRI; ``xsd:`` and ``linkml:`` need no declaration (SSSOM's examples)."""
    if not extension.type_hint:
        return str(XSD.string)
    prefix, _, local = extension.type_hint.partition(":")
    if prefix in TYPE_HINT_PREFIXES and prefix not in converter.prefix_map:
        return TYPE_HINT_PREFIXES[prefix] + local
    return str(_iri(converter, extension.type_hint, "extension_definitions", extension.slot_name))


def _property(mset: MappingSet, converter: curies.Converter, slot: str) -> URIRef:
    spec = model().slots.get(slot)
    return URIRef(spec.uri) if spec else _iri(converter, mset.extensions[slot].property, "metadata", slot)


def _values(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def to_skos(mset: MappingSet) -> Graph:
    """The mapping set as RDF: SKOS triples for positive mappings, one annotated axiom per mapping."""
    missing = [s for s in REQUIRED_SET_SLOTS if not mset.metadata.get(s)]
    if missing:
        raise InputError(f"SSSOM: the metadata block has no {' or '.join(missing)} (required for a mapping set)")
    converter = mset.converter()
    graph = Graph()
    for prefix, namespace in {**model().namespaces, **converter.prefix_map}.items():
        graph.bind(prefix, namespace)
    set_node = URIRef(mset.metadata["mapping_set_id"])
    graph.add((set_node, RDF.type, SSSOM.MappingSet))
    for slot, value in mset.metadata.items():
        if slot in SPECIAL_SET_SLOTS:
            continue
        for item in _values(value):
            graph.add((set_node, _property(mset, converter, slot), _term(mset, converter, slot, item, "metadata")))
    for prefix, namespace in sorted(mset.curie_map.items()):
        node = BNode(_stable_id("p", set_node, prefix))
        graph.add((set_node, SSSOM.curie_map, node))
        graph.add((node, SSSOM.prefix_name, Literal(prefix)))
        graph.add((node, SSSOM.prefix_url, URIRef(namespace)))
    for extension in mset.extensions.values():
        node = BNode(_stable_id("x", set_node, extension.slot_name))
        graph.add((set_node, SSSOM.extension_definitions, node))
        graph.add((node, SSSOM.slot_name, Literal(extension.slot_name)))
        graph.add((node, SSSOM.property, _iri(converter, extension.property, "metadata", "property")))
        if extension.type_hint:
            graph.add((node, SSSOM.type_hint, URIRef(_type_hint(converter, extension))))
    for index, mapping in enumerate(mset.mappings):
        check_mapping(mset, converter, index, mapping)
        where = mset.where(index)
        subject, predicate, obj = (_iri(converter, str(mapping[s]), where, s)
                                   for s in ("subject_id", "predicate_id", "object_id"))
        if str(predicate) not in MAPPING_PREDICATES:
            raise InputError(f"SSSOM, {where}: predicate {mapping['predicate_id']} is not a SKOS mapping property")
        negated = mapping.get("predicate_modifier") == NEGATED
        if not negated and NO_TERM_FOUND not in (str(subject), str(obj)):
            graph.add((subject, predicate, obj))
        axiom = BNode(_stable_id("m", subject, predicate, obj, negated, mapping["mapping_justification"]))
        graph.add((set_node, SSSOM.mappings, axiom))
        graph.add((axiom, RDF.type, OWL.Axiom))
        for slot, value in mapping.items():
            for item in _values(value):
                graph.add((axiom, _property(mset, converter, slot), _term(mset, converter, slot, item, where)))
    return graph


def _stable_id(kind: str, *parts: object) -> str:
    """Blank nodes named after what they describe keep serialisations stable from run to run."""
    return kind + hashlib.sha1(" ".join(map(str, parts)).encode()).hexdigest()[:20]


def from_skos(graph: Graph, *, fallback_prefixes: dict[str, str] | None = None) -> MappingSet:
    """The inverse of ``to_skos``: the mapping set(s) of a graph, plus SKOS mapping triples that carry
    no axiom (justified as ``semapv:UnspecifiedMatching``, labelled from the graph). Properties that
    are neither SSSOM slots nor declared extensions become extension slots, so nothing is lost."""
    m = model()
    metadata: dict[str, Any] = {}
    curie_map: dict[str, str] = {}
    extensions: dict[str, Extension] = {}
    by_property: dict[str, str] = {}
    for set_node in sorted(graph.subjects(RDF.type, SSSOM.MappingSet)):
        for node in graph.objects(set_node, SSSOM.curie_map):
            curie_map[str(graph.value(node, SSSOM.prefix_name))] = str(graph.value(node, SSSOM.prefix_url))
    converter = _export_converter(curie_map, fallback_prefixes or PREFIXES)
    for set_node in sorted(graph.subjects(RDF.type, SSSOM.MappingSet)):
        for node in graph.objects(set_node, SSSOM.extension_definitions):
            hint = graph.value(node, SSSOM.type_hint)
            extension = Extension(str(graph.value(node, SSSOM.slot_name)),
                                  converter.compress(str(graph.value(node, SSSOM.property)), passthrough=True),
                                  converter.compress(str(hint), passthrough=True) if hint else None)
            extensions[extension.slot_name] = extension
            by_property[str(graph.value(node, SSSOM.property))] = extension.slot_name
    for set_node in sorted(graph.subjects(RDF.type, SSSOM.MappingSet)):
        metadata.setdefault("mapping_set_id", str(set_node))
        for p, o in sorted(graph.predicate_objects(set_node)):
            if p in (RDF.type, SSSOM.curie_map, SSSOM.extension_definitions, SSSOM.mappings):
                continue
            slot = m.slot_for_uri(str(p), m.set_slots)
            name = slot.name if slot else _extension_slot(str(p), by_property, extensions, converter)
            _add(metadata, name, _value(converter, slot, o), multivalued=bool(slot and slot.multivalued))
    mappings = []
    annotated = set()
    for axiom in sorted(graph.subjects(RDF.type, OWL.Axiom)):
        triple = tuple(graph.value(axiom, p) for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
        if None in triple or str(triple[1]) not in MAPPING_PREDICATES:
            continue
        mapping: dict[str, Value] = {}
        for p, o in sorted(graph.predicate_objects(axiom)):
            if p == RDF.type:
                continue
            slot = m.slot_for_uri(str(p), m.mapping_slots)
            name = slot.name if slot else _extension_slot(str(p), by_property, extensions, converter)
            _add(mapping, name, _value(converter, slot, o), multivalued=bool(slot and slot.multivalued))
        annotated.add(triple)
        mapping.setdefault("mapping_justification", UNSPECIFIED_JUSTIFICATION)
        mappings.append(mapping)
    for predicate in sorted(MAPPING_PREDICATES):
        for s, o in sorted(graph.subject_objects(URIRef(predicate))):
            if (s, URIRef(predicate), o) in annotated:
                continue
            mapping = {"subject_id": converter.compress(str(s), passthrough=True),
                       "predicate_id": converter.compress(predicate, passthrough=True),
                       "object_id": converter.compress(str(o), passthrough=True),
                       "mapping_justification": UNSPECIFIED_JUSTIFICATION}
            for slot, node in (("subject_label", s), ("object_label", o)):
                label = _english_label(graph, node)
                if label:
                    mapping[slot] = label
            mappings.append(mapping)
    used = {str(v).split(":", 1)[0] for mapping in mappings for k, v in mapping.items()
            if k in ("subject_id", "predicate_id", "object_id") and not str(v).startswith(("http", "urn:"))}
    prefix_map = converter.prefix_map
    metadata["curie_map"] = {**{p: prefix_map[p] for p in sorted(used) if p in prefix_map and p not in m.built_in},
                             **curie_map}
    if extensions:
        metadata["extension_definitions"] = [e.as_dict() for e in extensions.values()]
    mappings.sort(key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"],
                                 r.get("predicate_modifier", ""), r["mapping_justification"]))
    return MappingSet(metadata, mappings)


def _export_converter(curie_map: dict[str, str], fallback: dict[str, str]) -> curies.Converter:
    merged = {**model().built_in}
    for prefix, namespace in (*curie_map.items(), *fallback.items()):
        if prefix not in merged and namespace not in merged.values():
            merged[prefix] = namespace
    return curies.Converter.from_prefix_map(merged)


def _extension_slot(uri: str, by_property: dict[str, str], extensions: dict[str, Extension],
                    converter: curies.Converter) -> str:
    """The slot of a property no slot defines: its declared extension, else a new one named after it."""
    if uri not in by_property:
        local = re.split(r"[/#]", uri.rstrip("/#"))[-1]
        name = local if NCNAME.match(local) and local not in model().slots and local not in extensions else \
            _stable_id("ext_", uri)
        extensions[name] = Extension(name, converter.compress(uri, passthrough=True))
        by_property[uri] = name
    return by_property[uri]


def _value(converter: curies.Converter, slot: Slot | None, node: Node) -> str:
    if isinstance(node, Literal) and node.datatype in (XSD.double, XSD.integer, XSD.decimal):
        return str(node.toPython())  # the shortest form: a Turtle round trip writes 0.95 as 9.5e-01
    if isinstance(node, URIRef):
        if slot is not None and slot.range in model().enums:
            reverse = {iri: value for value, iri in model().enums[slot.range].items() if iri}
            if str(node) in reverse:
                return reverse[str(node)]
        if slot is not None and slot.range in ("uri", "NonRelativeURI"):
            return str(node)
        return converter.compress(str(node), passthrough=True)
    return str(node)


def _add(target: dict[str, Any], name: str, value: str, *, multivalued: bool) -> None:
    """One value of a slot; a single-valued slot keeps its first (sorted) value."""
    if multivalued:
        target.setdefault(name, []).append(value)
    else:
        target.setdefault(name, value)


def _english_label(graph: Graph, node: Node) -> str | None:
    labels = sorted(str(label) for label in graph.objects(node, SKOS.prefLabel)
                    if getattr(label, "language", None) in ("en", None))
    return labels[-1] if labels else None
