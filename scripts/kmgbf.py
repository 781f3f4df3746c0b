"""The CBD Secretariat's KMGBF Monitoring Framework Ontology, read once for the generator.

Two views are built from these files by ``build_vocabularies.py``, never kept by hand: the official
graph as published (IRIs ``http://metadata.cbd.int/kmgbf/...``, its classes and role properties), as
the ``kmgbf`` vocabulary; and the facts that kmgraph's own GBF concepts take from it (labels,
definitions and short titles in en/fr/es, role-typed indicator links, custodian agencies), each
kmgraph concept linked to its official IRI by ``skos:exactMatch``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

KMGBF = Namespace("http://metadata.cbd.int/kmgbf/")
KMGBF_ONTOLOGY = Namespace("http://metadata.cbd.int/kmgbf/ontology#")
FILES = ("kmgbf-ontology.ttl", "goals.ttl", "targets.ttl", "indicators.ttl", "indicators-guidance.ttl")
LANGUAGES = ("en", "fr", "es")
ROLES = {"headline": "isHeadlineFor", "binary": "isBinaryFor", "component": "isComponentFor",
         "complementary": "isComplementaryFor"}

VERSION = "1.0.1"
CITATION = ("Secretariat of the Convention on Biological Diversity (2026). KMGBF Monitoring Framework Ontology. "
            "Version 1.0.1. http://metadata.cbd.int/kmgbf/ontology")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/igo/")
NOT_OFFICIAL = ("kmgraph's copy of the KMGBF Monitoring Framework Ontology (CC BY 4.0 IGO) is adapted by kmgraph "
                "(merged into one graph, described as a kmgraph vocabulary, linked to kmgraph's concepts): it is "
                "not an official CBD version. The official version is served at http://metadata.cbd.int/kmgbf/.")
SOURCE = "KMGBF Monitoring Framework Ontology v1.0.1 (github.com/fvogel/KMGBF-Ontology, commit b47f2116)"


def by_lang(graph: Graph, subject: URIRef, prop: URIRef) -> dict[str, str]:
    """The literals of one property by language tag (each language at most once in the source)."""
    return {o.language: str(o) for o in graph.objects(subject, prop) if isinstance(o, Literal) and o.language}


@dataclass
class Official:
    """The official facts about one goal, target or indicator."""

    iri: URIRef
    labels: dict[str, str]
    definitions: dict[str, str]
    titles: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=dict)
    links: list[tuple[str, URIRef]] = field(default_factory=list)  # (role, goal or target IRI)
    custodians: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class KmgbfData:
    """The official files in one rdflib graph, with lookups by goal letter, target number and code."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.graph = Graph()
        for name in FILES:
            self.graph.parse(folder / name, format="turtle")

    def _official(self, iri: URIRef) -> Official:
        g = self.graph
        alt: dict[str, list[str]] = {}
        for o in g.objects(iri, SKOS.altLabel):
            alt.setdefault(o.language, []).append(str(o))
        links = [(role, o) for role, name in ROLES.items() for o in g.objects(iri, KMGBF_ONTOLOGY[name])]
        return Official(iri, by_lang(g, iri, SKOS.prefLabel), by_lang(g, iri, SKOS.definition),
                        by_lang(g, iri, DCTERMS.title), {k: sorted(v) for k, v in alt.items()},
                        sorted(links), sorted(str(o) for o in g.objects(iri, KMGBF_ONTOLOGY.custodianAgency)),
                        sorted(str(o) for o in g.objects(iri, SKOS.editorialNote)))

    def goal(self, letter: str) -> Official:
        return self._official(KMGBF[f"goal_{letter}"])

    def target(self, number: int) -> Official:
        return self._official(KMGBF[f"target_{number}"])

    def indicator(self, code: str) -> Official:
        return self._official(KMGBF[f"indicator_{code}"])


def notation_of(iri: URIRef) -> str:
    """The CBD thesaurus identifier of an official goal or target IRI (``target_3`` -> ``GBF-TARGET-03``)."""
    local = str(iri)[len(str(KMGBF)):]
    kind, _, code = local.partition("_")
    if kind == "goal":
        return f"GBF-GOAL-{code}"
    if kind == "target":
        return f"GBF-TARGET-{int(code):02d}"
    raise ValueError(f"{iri} is no official goal or target IRI")
