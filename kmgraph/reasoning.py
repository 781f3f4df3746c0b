"""OWL 2 reasoning with HermiT (through owlready2, on the Java runtime) over the ontology and vocabularies."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from rdflib import Graph

from .errors import ConfigError


@dataclass
class ReasonerReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def reason(graph: Graph) -> ReasonerReport:
    """Classify ``graph`` with HermiT: is it consistent, and which classes are unsatisfiable?"""
    with tempfile.TemporaryDirectory(prefix="kmgraph-reason-") as tmp:
        path = Path(tmp) / "input.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ReasonerReport(False, message=f"inconsistent: {exc}")
        except FileNotFoundError as exc:
            raise ConfigError("the HermiT reasoner needs a Java runtime (`java` on PATH)") from exc
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        return ReasonerReport(True, unsat, "consistent" + (f", {len(unsat)} unsatisfiable classes" if unsat else ""))


def load_files(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path)
    return graph
