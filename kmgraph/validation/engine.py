"""Validate a data graph against a shapes graph: the compiled SHACL Core engine, or pySHACL for
shapes beyond SHACL Core (SHACL-SPARQL). One entry point for records and for the W3C suite."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .graph import TripleIndex, UnionView
from .shacl import ShapesError, ShapesGraph, Unsupported, report_triples

__all__ = ["Outcome", "ShapesError", "validate", "with_pyshacl"]


@dataclass
class Outcome:
    conforms: bool
    report: list[ox.Triple]
    engine: str


def validate(data: TripleIndex, shapes: TripleIndex, background: TripleIndex | None = None) -> Outcome:
    try:
        compiled = ShapesGraph(shapes)
    except Unsupported:
        return with_pyshacl(data, shapes, background)
    results = compiled.validate(UnionView(data, background))
    return Outcome(not any(True for _ in results), report_triples(results, shapes), "kmgraph")


def with_pyshacl(data: TripleIndex, shapes: TripleIndex, background: TripleIndex | None) -> Outcome:
    import pyshacl
    import pyshacl.errors
    import rdflib

    def to_rdflib(index: TripleIndex) -> rdflib.Graph:
        nt = ox.serialize([ox.Triple(s, p, o) for s, p, o in index.triples()], format=ox.RdfFormat.N_TRIPLES)
        return rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")

    data_graph = to_rdflib(data)
    if background is not None:
        data_graph += to_rdflib(background)
    shapes_graph = to_rdflib(shapes)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    for decl in shapes_graph.subjects(sh.prefix, None):  # pySHACL resolves sh:prefixes via bindings
        for graph in (shapes_graph, data_graph):
            graph.bind(str(shapes_graph.value(decl, sh.prefix)), str(shapes_graph.value(decl, sh.namespace)),
                       override=True, replace=True)
    try:
        conforms, report, _ = pyshacl.validate(data_graph, shacl_graph=shapes_graph, advanced=False,
                                               inference="none", allow_warnings=True)
    except (pyshacl.errors.ReportableRuntimeError, NotImplementedError, re.error) as exc:
        raise ShapesError(f"the shapes graph cannot be used: {exc}") from exc
    if not isinstance(report, rdflib.Graph):  # pySHACL's ValidationFailure: the shapes are not usable
        raise ShapesError(f"the shapes graph cannot be used: {report}")
    triples = list(ox.parse(report.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return Outcome(bool(conforms), [ox.Triple(q.subject, q.predicate, q.object) for q in triples], "pyshacl")
