"""Runs the W3C SHACL test suite (``vendor/w3c/shacl``) through kmgraph's validation path.

Each test names a data graph and a shapes graph (usually the test file itself) and an expected
``sh:ValidationReport``. Reports are compared as graphs (blank nodes matched by isomorphism), with
result messages left out since their wording is free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from kmgraph.validation.engine import Outcome as EngineOutcome
from kmgraph.validation.engine import ShapesError, validate, with_pyshacl
from kmgraph.validation.graph import TripleIndex

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class Outcome:
    name: str
    folder: str
    passed: bool
    engine: str  # kmgraph or pyshacl (who validated), rejected (ill-formed shapes) or crash
    reason: str = ""
    case: str = ""  # the manifest entry's IRI: labels repeat across the suite


def manifests(root: Path) -> list[Path]:
    out, todo = [], [root / "manifest.ttl"]
    while todo:
        path = todo.pop()
        g = rdflib.Graph().parse(path)
        out.append(path)
        todo += [Path(str(m).replace("file://", "")) for m in g.objects(None, MF.include)]
    return out


def _load(path: Path) -> TripleIndex:
    return TripleIndex(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


def _clean(graph: rdflib.Graph, root: rdflib.term.Node) -> rdflib.Graph:
    """The report reachable from ``root`` without messages (their wording is free)."""
    out = rdflib.Graph()
    todo, seen = [root], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            if p in (SH.resultMessage, SH.detail):
                continue
            out.add((node, p, o))
            # Follow the report's own structure (results, paths), not the data or shapes it names.
            if isinstance(o, rdflib.BNode) and p not in (SH.focusNode, SH.value, SH.sourceShape):
                todo.append(o)
    return out


Engine = Callable[[TripleIndex, TripleIndex], EngineOutcome]
ENGINES: dict[str, Engine] = {
    "kmgraph": validate,  # the compiled engine, falling back to pySHACL beyond SHACL Core
    "pyshacl": lambda data, shapes: with_pyshacl(data, shapes, None),  # the cross-check
}


def run(root: Path, engine: Engine = validate) -> list[Outcome]:
    outcomes = []
    for manifest in manifests(root):
        g = rdflib.Graph().parse(manifest)
        for lst in g.objects(None, MF.entries):
            for entry in Collection(g, lst):
                if (entry, rdflib.RDF.type, SHT.Validate) not in g:
                    continue
                name = str(g.value(entry, rdflib.RDFS.label) or entry)
                folder = manifest.parent.name
                outcomes.append(_run_case(g, entry, name, folder, engine))
    return outcomes


def _run_case(g: rdflib.Graph, entry: rdflib.term.Node, name: str, folder: str, engine: Engine) -> Outcome:
    action = g.value(entry, MF.action)
    data_path = Path(str(g.value(action, SHT.dataGraph)).replace("file://", ""))
    shapes_path = Path(str(g.value(action, SHT.shapesGraph)).replace("file://", ""))
    expected_node = g.value(entry, MF.result)
    expect_failure = expected_node == SHT.Failure
    case = str(entry)
    try:
        outcome = engine(_load(data_path), _load(shapes_path))
    except ShapesError as exc:  # the engine says the shapes are ill-formed: right if a failure is expected
        return Outcome(name, folder, expect_failure, "rejected", str(exc), case)
    except Exception as exc:  # noqa: BLE001 - a crash is never a correct answer
        return Outcome(name, folder, False, "crash", f"{type(exc).__name__}: {exc}", case)
    if expect_failure:
        return Outcome(name, folder, False, outcome.engine, "expected a failure", case)
    got = rdflib.Graph().parse(data=ox.serialize(outcome.report, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    report_node = next(got.subjects(rdflib.RDF.type, SH.ValidationReport))
    ok = isomorphic(_clean(got, report_node), _clean(g, expected_node))
    return Outcome(name, folder, ok, outcome.engine, "" if ok else "report differs", case)
