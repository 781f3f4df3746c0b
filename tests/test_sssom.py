"""SSSOM/TSV: the bundled crosswalks, negated mappings, set-level (propagated) slots, built-in
prefixes, multi-valued cells and extension slots, read, turned into RDF and written back; and the
reading compared, mapping by mapping, with sssom-py, the SSSOM project's reference implementation."""

from __future__ import annotations

import logging
import math

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS

from kmgraph.errors import InputError
from kmgraph.namespaces import SSSOM
from kmgraph.resources import MAPPINGS_DIR
from kmgraph.vocab.sssom import (
    MappingSet,
    format_sssom,
    from_skos,
    parse_sssom,
    read_sssom,
    to_skos,
    write_sssom,
)
from kmgraph.vocab.sssom_model import model

from .conftest import REPO

TABLE = MAPPINGS_DIR / "gbf-crosswalks.sssom.tsv"
KMID = "https://w3id.org/kmgraph/id/"
PAV_AUTHORED_BY = URIRef(model().slots["author_id"].uri)

# A made-up set (example.org IRIs, not official content) using the SSSOM features kmgraph reads.
RICH_TABLE = REPO / "tests/data/sssom-features.sssom.tsv"
RICH = RICH_TABLE.read_text(encoding="utf-8")


def rich() -> MappingSet:
    return parse_sssom(RICH)


def minimal(body: str, header: str = "") -> str:
    return ("#mapping_set_id: https://example.org/sets/m\n#license: https://example.org/licence\n" + header
            + "subject_id\tpredicate_id\tobject_id\tmapping_justification\n" + body)


def test_bundled_table_reads():
    mset = read_sssom(TABLE)
    assert mset.metadata["license"].startswith("https://")
    assert len(mset.mappings) == 121 and mset.ignored == []
    assert {r["predicate_id"] for r in mset.mappings} == {"skos:relatedMatch"}
    assert all(r["source"] and r["mapping_justification"] for r in mset.mappings)
    assert mset.extensions["source"].property == "dcterms:source"


def test_to_skos_keeps_provenance():
    g = to_skos(read_sssom(TABLE))
    subject = URIRef(KMID + "GBF-TARGET-02")
    aichi = URIRef(KMID + "AICHI-TARGET-15")
    assert (subject, SKOS.relatedMatch, aichi) in g
    axioms = [a for a in g.subjects(OWL.annotatedSource, subject) if (a, OWL.annotatedTarget, aichi) in g]
    assert len(axioms) == 1
    assert g.value(axioms[0], SSSOM.mapping_justification) == URIRef("https://w3id.org/semapv/vocab/ManualMappingCuration")
    assert "gbf-sameas" in str(g.value(axioms[0], DCTERMS.source))  # the declared extension's property
    assert "is related to" in str(g.value(axioms[0], RDFS.comment))  # the schema's slot_uri for comment
    the_set = URIRef("https://w3id.org/kmgraph/mappings/gbf-crosswalks.sssom.tsv")
    assert (the_set, SSSOM.mappings, axioms[0]) in g
    assert g.value(the_set, DCTERMS.license) == URIRef("https://opensource.org/licenses/MIT")


def test_negated_mapping_is_kept_but_never_asserted():
    g = to_skos(rich())
    subject, other = URIRef(KMID + "GBF-TARGET-01"), URIRef(KMID + "AICHI-TARGET-11")
    assert (subject, SKOS.exactMatch, other) not in g
    [axiom] = [a for a in g.subjects(OWL.annotatedTarget, other)]
    assert g.value(axiom, SSSOM.predicate_modifier) is not None
    assert g.value(axiom, OWL.annotatedProperty) == SKOS.exactMatch
    assert (subject, SKOS.relatedMatch, URIRef(KMID + "AICHI-TARGET-05")) in g
    back = {m["object_id"]: m for m in from_skos(g).mappings}
    assert back["kmid:AICHI-TARGET-11"]["predicate_modifier"] == "Not"
    assert "predicate_modifier" not in back["kmid:AICHI-TARGET-05"]


def test_unknown_predicate_modifier_refused():
    text = RICH.replace("\tNot\t", "\tMaybe\t")
    with pytest.raises(InputError, match="line 16: predicate_modifier 'Maybe'"):
        parse_sssom(text)


def test_set_level_slots_propagate_and_condense_back():
    mset = rich()
    assert "mapping_provider" not in mset.metadata
    assert {m["mapping_provider"] for m in mset.mappings} == {"https://example.org/provider"}
    assert {m["mapping_date"] for m in mset.mappings} == {"2026-01-15"}
    g = to_skos(mset)
    assert len(list(g.objects(None, URIRef(model().slots["mapping_date"].uri)))) == 2
    written = format_sssom(mset)
    header = [line for line in written.splitlines() if line.startswith("#")]
    assert "#mapping_provider: https://example.org/provider" in header
    columns = next(line for line in written.splitlines() if not line.startswith("#")).split("\t")
    assert "mapping_provider" not in columns and "mapping_date" not in columns
    assert parse_sssom(written).mappings == mset.mappings


def test_set_level_value_is_not_propagated_over_a_column():
    text = minimal("kmid:a\tskos:closeMatch\tkmid:b\tsemapv:LexicalMatching\thttps://example.org/row\n",
                   "#curie_map:\n#  kmid: https://example.org/\n#mapping_provider: https://example.org/set\n")
    text = text.replace("mapping_justification\n", "mapping_justification\tmapping_provider\n")
    mset = parse_sssom(text)
    assert mset.mappings[0]["mapping_provider"] == "https://example.org/row"
    assert any("mapping_provider" in note and "not propagated" in note for note in mset.ignored)


def test_built_in_prefixes_need_no_declaration():
    mset = parse_sssom(minimal("owl:Thing\tskos:exactMatch\trdfs:Resource\tsemapv:ManualMappingCuration\n"))
    assert mset.curie_map == {}
    g = to_skos(mset)
    assert (OWL.Thing, SKOS.exactMatch, RDFS.Resource) in g


def test_a_built_in_prefix_may_not_be_redefined():
    with pytest.raises(InputError, match="redefines the built-in prefix 'skos'"):
        parse_sssom(minimal("", "#curie_map:\n#  skos: https://example.org/not-skos/\n"))


def test_multi_valued_cells_split_and_join():
    mset = rich()
    first = next(m for m in mset.mappings if m["object_id"] == "kmid:AICHI-TARGET-05")
    assert first["author_id"] == ["people:reviewer-a", "people:reviewer-b"]
    g = to_skos(mset)
    authors = {o for o in g.objects(None, PAV_AUTHORED_BY)}
    assert authors == {URIRef("https://example.org/people/reviewer-a"), URIRef("https://example.org/people/reviewer-b")}
    assert "people:reviewer-a|people:reviewer-b" in format_sssom(mset)


def test_extensions_declared_are_kept_undeclared_reported():
    mset = rich()
    assert sorted(mset.ignored) == ["column 'undeclared_column': not an SSSOM slot nor a declared extension",
                                    "set-level slot 'ext_undeclared': not an SSSOM slot nor a declared extension"]
    g = to_skos(mset)
    ranks = sorted(g.objects(None, URIRef("https://example.org/prop/rank")))
    integer = URIRef("http://www.w3.org/2001/XMLSchema#integer")
    assert ranks == [Literal("1", datatype=integer), Literal("2", datatype=integer)]
    assert "undeclared" not in format_sssom(mset)


def test_rdf_round_trip_gives_the_set_back():
    mset = rich()
    g = Graph().parse(data=to_skos(mset).serialize(format="turtle"), format="turtle")
    back = from_skos(g)
    key = lambda m: (m["object_id"], m["predicate_id"])
    assert sorted(back.mappings, key=key) == sorted(mset.mappings, key=key)
    assert {k: v for k, v in back.metadata.items()} == mset.metadata


def test_file_round_trip(tmp_path):
    mset = read_sssom(TABLE)
    out = tmp_path / "copy.sssom.tsv"
    write_sssom(mset, out)
    again = read_sssom(out)
    assert again.mappings == mset.mappings and again.metadata == mset.metadata


def test_skos_triples_without_axioms_export_as_unspecified_matching():
    g = Graph()
    g.add((URIRef(KMID + "x"), SKOS.exactMatch, URIRef("http://metadata.cbd.int/kmgbf/x")))
    g.add((URIRef(KMID + "x"), SKOS.prefLabel, Literal("Ex", lang="en")))
    [mapping] = from_skos(g).mappings
    assert mapping["subject_id"] == "kmid:x" and mapping["subject_label"] == "Ex"
    assert mapping["mapping_justification"] == "semapv:UnspecifiedMatching"


@pytest.mark.parametrize("body, message", [
    ("nope:x\tskos:exactMatch\tnope:y\tsemapv:ManualMappingCuration\n", "line 4: subject_id 'nope:x' is a CURIE"),
    ("owl:a\tskos:exactMatch\towl:b\tex:Guess\n", "line 4: mapping_justification 'ex:Guess' does not match"),
    ("owl:a\tskos:exactMatch\towl:b\t\n", "line 4: no mapping_justification"),
])
def test_bad_rows_are_input_errors_naming_the_line(body, message):
    with pytest.raises(InputError, match=message):
        parse_sssom(minimal(body))


@pytest.mark.parametrize("column, value, message", [
    ("confidence", "1.5", r"confidence 1.5 is outside \[0.0, 1.0\]"),
    ("confidence", "high", "confidence 'high' is not a number"),
    ("mapping_date", "15/01/2026", "mapping_date '15/01/2026' is not a date"),
    ("subject_type", "owl thing", "subject_type 'owl thing' is not one of"),
])
def test_values_are_checked_against_the_schema(column, value, message):
    text = minimal(f"owl:a\tskos:exactMatch\towl:b\tsemapv:ManualMappingCuration\t{value}\n")
    text = text.replace("mapping_justification\n", f"mapping_justification\t{column}\n")
    with pytest.raises(InputError, match=message):
        parse_sssom(text)


def test_non_mapping_predicate_refused():
    with pytest.raises(InputError, match="not a SKOS mapping property"):
        to_skos(parse_sssom(minimal("owl:a\tskos:broader\towl:b\tsemapv:ManualMappingCuration\n")))


def test_a_set_needs_its_id_and_licence():
    with pytest.raises(InputError, match="no mapping_set_id or license"):
        to_skos(MappingSet({}, []))


# --- the reference implementation -------------------------------------------------------------------

SCALAR_SLOTS = ("subject_id", "predicate_id", "predicate_modifier", "object_id", "mapping_justification",
                "mapping_provider", "mapping_date", "subject_label", "object_label", "comment")


def _comparable(mapping: dict) -> tuple:
    """One mapping as comparable text, from either reader (sssom-py gives NaN and floats)."""
    def norm(slot):
        value = mapping.get(slot)
        if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
            return ""
        if slot == "confidence":
            return float(value)
        return "|".join(value) if isinstance(value, list) else str(value)
    return tuple(norm(s) for s in (*SCALAR_SLOTS, "author_id", "confidence"))


@pytest.mark.parametrize("name", ["bundled", "rich"])
def test_reading_agrees_with_sssom_py(name, caplog):
    from sssom.parsers import parse_sssom_table

    path = TABLE if name == "bundled" else RICH_TABLE
    caplog.set_level(logging.ERROR)
    reference = parse_sssom_table(path)
    ours = read_sssom(path)
    theirs = sorted(_comparable(r) for r in reference.df.to_dict("records"))
    assert sorted(_comparable(m) for m in ours.mappings) == theirs
    assert len(theirs) == len(ours.mappings) > 0
