"""The naive pySHACL baseline of the validation benchmarks: how pySHACL is usually called.

Parse the shapes and the vocabularies on every call and validate with ``inference="rdfs"`` (the
vocabularies go into the data graph: passed as ``ont_graph`` pySHACL would not mix plain SKOS concepts
in, and every record would fail).
"""

from __future__ import annotations

from pathlib import Path

from kmgraph.resources import ONTOLOGY_FILE, VOCABULARY_DIR


def naive_pyshacl(data_nt: str, shapes_file: Path) -> bool:
    import pyshacl
    import rdflib

    data = rdflib.Graph().parse(data=data_nt, format="nt")
    for path in sorted(VOCABULARY_DIR.glob("*.ttl")):
        data.parse(path)
    shapes = rdflib.Graph().parse(shapes_file)
    ontology = rdflib.Graph().parse(ONTOLOGY_FILE)
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    return conforms
