"""KM document validation benchmark: kmgraph against naive pySHACL on the same shapes, in the same run.

Documents are the complete examples of ``examples/km-documents`` with their identifiers, titles and
GBF targets varied, one in five broken (a mandatory field removed, a wrong type, a wrong-domain term).
kmgraph reads each document into its RDF view and validates it with the compiled shapes; naive pySHACL
is what a node would write: the same view and shapes, the vocabularies parsed on every call,
``inference="rdfs"``. Measures one document at a time (p50) and a batch (documents/s).
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kmgraph.cbd.validation import DocumentValidator
from kmgraph.resources import DOCUMENT_SHAPES
from kmgraph.store import EmbeddedStore
from kmgraph.validation import RecordValidator
from kmgraph.vocab.bundled import load_bundled
from kmgraph.vocab.concepts import ConceptIndexCache

from .harness import percentile, save
from .naive import naive_pyshacl

EXAMPLES = Path(__file__).resolve().parents[1] / "examples/km-documents"


def documents(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    examples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]
    out = []
    for n in range(count):
        doc = copy.deepcopy(examples[n % len(examples)])
        doc["header"]["identifier"] = f"{doc['header']['identifier']}-{n}"
        if isinstance(doc.get("title"), dict):
            doc["title"] = {k: f"{v} ({n})" for k, v in doc["title"].items()}
        if "gbfTargets" in doc:
            doc["gbfTargets"] = [{"identifier": f"GBF-TARGET-{rng.randint(1, 23):02d}"} for _ in range(rng.randint(1, 3))]
        if n % 5 == 4:  # broken: one of three ways
            kind = rng.randint(0, 2)
            key = next(k for k in doc if k != "header")
            if kind == 0:
                del doc[key]
            elif kind == 1:
                doc[key] = 12345
            else:
                doc["notAField"] = "x"
        out.append(doc)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=300, help="single-document validations for kmgraph's p50")
    parser.add_argument("--naive", type=int, default=3, help="single-document validations with naive pySHACL")
    args = parser.parse_args(argv)

    store = EmbeddedStore(None)
    load_bundled(store)
    records = RecordValidator(store)
    checker = DocumentValidator(records, ConceptIndexCache(store))
    reader = checker.reader()
    docs = documents(args.batch)
    checker.validate([reader.prepare(docs[0])])  # warm: background and concept index built

    times = []
    for doc in docs[: args.single]:
        t0 = time.perf_counter()
        checker.validate([checker.reader().prepare(doc)])
        times.append(time.perf_counter() - t0)
    naive_times = []
    for doc in docs[: args.naive]:
        view = reader.prepare(doc).triples
        t0 = time.perf_counter()
        naive_pyshacl(ox.serialize(view, format=ox.RdfFormat.N_TRIPLES).decode(), DOCUMENT_SHAPES)
        naive_times.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    reports = checker.check(docs)
    batch_seconds = time.perf_counter() - t0
    invalid = sum(1 for r in reports if not r.valid)

    p50, naive_p50 = statistics.median(times), statistics.median(naive_times)
    rate = len(docs) / batch_seconds
    result = {
        "one_document_p50_ms": round(p50 * 1000, 3),
        "one_document_p95_ms": round(percentile(times, 95) * 1000, 3),
        "naive_pyshacl_one_document_p50_ms": round(naive_p50 * 1000, 1),
        "speedup_one_document": round(naive_p50 / p50, 1),
        "batch_documents": len(docs),
        "batch_invalid": invalid,
        "batch_seconds": round(batch_seconds, 3),
        "batch_documents_per_second": round(rate, 1),
        "naive_pyshacl_documents_per_second": round(1 / naive_p50, 2),
        "speedup_batch": round(rate * naive_p50, 1),
        "goals": {"one_document_p50_ms": "< 5", "batch_documents_per_second": ">= 2000"},
    }
    print(f"saved {save('km_documents', result)}")
    print(f"one KM document: p50 {result['one_document_p50_ms']} ms vs naive pySHACL "
          f"{result['naive_pyshacl_one_document_p50_ms']} ms -> {result['speedup_one_document']}x; batch of {len(docs)} "
          f"({invalid} invalid): {result['batch_documents_per_second']} documents/s")
    store.close()
    return result


if __name__ == "__main__":
    main()
