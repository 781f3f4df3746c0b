"""A synthetic catalogue of knowledge objects, shaped like real clearing-house records, for benchmarks.

Deterministic for a seed. Each record lives in its own named graph (as kmgraph stores records) and
carries about 20 triples: title and summary in its language, type, date, country, publisher,
licence, landing page and 1-3 tags to GBF goals, targets or indicators. Output is N-Quads.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import pyoxigraph as ox

from kmgraph.namespaces import BASE, GRAPH, concept_iri

DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KMO = BASE + "ontology#"
KO_TYPES = ["DECISION", "REPORT", "PUBLICATION", "GOOD-PRACTICE", "CASE-STUDY", "CAPACITY-BUILDING-INITIATIVE",
            "GUIDANCE-OR-TOOL", "DATASET", "TRAINING-MATERIAL", "EVENT", "NATIONAL-TARGET"]
COUNTRIES = ["BR", "CA", "CM", "CN", "CO", "CR", "DE", "ES", "FJ", "FR", "GB", "ID", "IN", "JP", "KE", "MA",
             "MG", "MX", "NO", "PE", "PH", "SN", "TZ", "VN", "ZA"]
WORDS = {
    "en": ["restoration", "wetland", "forest", "marine", "protected", "area", "species", "invasive", "pollinator",
           "community", "monitoring", "indigenous", "knowledge", "finance", "urban", "green", "spaces", "pollution",
           "agriculture", "fisheries", "capacity", "training", "data", "genetic", "resources", "benefit", "sharing"],
    "fr": ["restauration", "zones", "humides", "forêt", "marin", "aires", "protégées", "espèces", "envahissantes",
           "pollinisateurs", "communautés", "suivi", "savoirs", "autochtones", "financement", "biodiversité"],
    "es": ["restauración", "humedales", "bosque", "marino", "áreas", "protegidas", "especies", "invasoras",
           "comunidades", "monitoreo", "conocimiento", "indígena", "financiamiento", "biodiversidad"],
}


def record_iri(i: int) -> str:
    return f"{BASE}record/bench-{i:07d}"


def concepts() -> list[str]:
    targets = [concept_iri(f"GBF-TARGET-{n:02d}") for n in range(1, 24)]
    goals = [concept_iri(f"GBF-GOAL-{g}") for g in "ABCD"]
    indicators = [f"{BASE}id/indicator/{n}.1" for n in range(1, 23)]
    return targets * 4 + goals + indicators


def quads(count: int, seed: int = 7):
    rng = random.Random(seed)
    tags = concepts()
    for i in range(count):
        s = ox.NamedNode(record_iri(i))
        g = ox.NamedNode(f"{GRAPH}record/bench-{i:07d}")
        lang = rng.choice(["en", "en", "en", "fr", "es"])
        words = WORDS[lang]
        title = " ".join(rng.choice(words) for _ in range(rng.randint(3, 7))).capitalize()
        summary = " ".join(rng.choice(words) for _ in range(rng.randint(15, 40)))

        def add(p: str, o) -> ox.Quad:
            return ox.Quad(s, ox.NamedNode(p), o, g)

        yield add(RDF_TYPE, ox.NamedNode(KMO + "KnowledgeObject"))
        yield add(DCT + "identifier", ox.Literal(f"BENCH-{i:07d}"))
        yield add(DCT + "title", ox.Literal(title, language=lang))
        yield add(DCT + "description", ox.Literal(summary, language=lang))
        yield add(DCT + "type", ox.NamedNode(concept_iri("KO-" + rng.choice(KO_TYPES))))
        yield add(DCT + "date", ox.Literal(f"{rng.randint(2012, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                                           datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")))
        yield add(DCT + "language", ox.Literal(lang))
        yield add(DCT + "spatial", ox.NamedNode(f"{BASE}id/country/{rng.choice(COUNTRIES)}"))
        yield add(DCT + "publisher", ox.NamedNode(f"{BASE}agent/bench-{rng.randint(0, 499)}"))
        yield add(DCT + "license", ox.NamedNode("https://creativecommons.org/licenses/by/4.0/"))
        yield add(DCT + "created", ox.Literal("2026-01-01T00:00:00Z", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")))
        yield add("http://www.w3.org/ns/dcat#landingPage", ox.NamedNode(f"https://example.org/catalogue/{i}"))
        for tag in rng.sample(tags, rng.randint(1, 3)):
            yield add(DCT + "subject", ox.NamedNode(tag))
        for _ in range(rng.randint(2, 6)):
            yield add(DCT + "references", ox.NamedNode(f"https://example.org/ref/{rng.randint(0, 10**6)}"))


def write(path: Path, count: int, seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        ox.serialize(quads(count, seed), f, format=ox.RdfFormat.N_QUADS)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(write(args.out, args.count))
