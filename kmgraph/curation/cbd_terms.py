"""A CBD thesaurus term array (the JSON the CBD's thesaurus API answers) read as a SKOS vocabulary.

Each term becomes a ``skos:Concept`` named by its identifier (``https://w3id.org/kmgraph/id/{id}``):
``skos:notation`` the identifier, ``kmo:termId`` the CBD's number, ``skos:prefLabel`` the title in
each language (else the name), ``kmo:shortTitle`` and ``skos:definition`` (longDescription, else
description) in each language, ``skos:broader``/``narrower``/``related`` from the term lists, and the
source. The concepts form one scheme named after the file, so the quality gate checks them as it
checks any vocabulary.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import DCTERMS, ID, KMO, RDF, SCHEME, SKOS

LSTRINGS = {"title": SKOS.prefLabel, "shortTitle": KMO.shortTitle, "longDescription": SKOS.definition}
RELATIONS = {"broaderTerms": SKOS.broader, "narrowerTerms": SKOS.narrower, "relatedTerms": SKOS.related}


def is_term_array(data: bytes) -> bool:
    """A JSON array of objects that all have an ``identifier`` and none a JSON-LD ``@context``."""
    head = data.lstrip()[:1]
    if head != b"[":
        return False
    try:
        value = json.loads(data)
    except ValueError:
        return False
    return bool(value) and all(isinstance(t, dict) and isinstance(t.get("identifier"), str) and "@context" not in t
                               for t in value)


def _node(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def read_terms(name: str, data: bytes) -> bytes:
    """Turtle for the terms of a term array; InputError naming the term for a malformed one."""
    terms = json.loads(data)
    scheme = _node(SCHEME[Path(name).stem.lower() or "cbd-terms"])
    triples = [ox.Triple(scheme, _node(RDF.type), _node(SKOS.ConceptScheme)),
               ox.Triple(scheme, _node(SKOS.prefLabel), ox.Literal(f"CBD thesaurus terms ({name})", language="en")),
               ox.Triple(scheme, _node(DCTERMS.source), ox.Literal(f"CBD thesaurus term array {name}"))]
    known = {t["identifier"] for t in terms}
    for i, term in enumerate(terms):
        triples += _term(term, i, scheme, known, name)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE)


def _term(term: dict, i: int, scheme: ox.NamedNode, known: set[str], name: str) -> list[ox.Triple]:
    """The triples of one term."""
    ident = term["identifier"].strip()
    try:
        concept = _node(ID[ident])
    except ValueError as exc:
        raise InputError(f"{name}: term {i + 1} has an identifier that cannot name a concept: {ident!r}") from exc
    out: list[ox.Triple] = []

    def add(p, o) -> None:
        out.append(ox.Triple(concept, _node(p), o))

    add(RDF.type, _node(SKOS.Concept))
    add(SKOS.notation, ox.Literal(ident))
    add(SKOS.inScheme, scheme)
    if isinstance(term.get("termId"), int):
        add(KMO.termId, ox.Literal(str(term["termId"]), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    labelled = False
    for key, prop in LSTRINGS.items():
        value = term.get(key)
        if isinstance(value, dict):
            for lang, text in value.items():
                if isinstance(text, str) and text.strip():
                    add(prop, ox.Literal(" ".join(text.split()), language=lang))
                    labelled |= prop == SKOS.prefLabel
    if not labelled and isinstance(term.get("name"), str):
        add(SKOS.prefLabel, ox.Literal(term["name"], language="en"))
    if isinstance(term.get("description"), str) and not isinstance(term.get("longDescription"), dict):
        add(SKOS.definition, ox.Literal(term["description"], language="en"))
    add(DCTERMS.source, ox.Literal(term.get("source") or f"CBD thesaurus term {term.get('termId', ident)} ({name})"))
    if not [b for b in term.get("broaderTerms") or [] if isinstance(b, str)]:
        add(SKOS.topConceptOf, scheme)
        out.append(ox.Triple(scheme, _node(SKOS.hasTopConcept), concept))
    for key, prop in RELATIONS.items():
        for other in term.get(key) or []:
            if isinstance(other, str) and other in known:
                add(prop, _node(ID[other]))
    return out
