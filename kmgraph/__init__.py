"""kmgraph: knowledge graph and ontology service for the CBD biodiversity vocabularies."""

__version__ = "0.1.0"
