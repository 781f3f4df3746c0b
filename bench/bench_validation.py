"""Validation benchmark: kmgraph's compiled shapes against naive pySHACL (``bench/naive.py``), in the
same run. Measures one record at a time (p50) and a batch of generated records (records/s).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kmgraph.resources import RECORD_SHAPES
from kmgraph.store import EmbeddedStore
from kmgraph.validation import RecordValidator
from kmgraph.vocab.bundled import load_bundled

from . import catalogue
from .harness import percentile, save
from .naive import naive_pyshacl

EXAMPLE = Path(__file__).resolve().parents[1] / "examples/records/valid/cbd-decision-15-4.ttl"


def records(count: int) -> list[list[ox.Triple]]:
    by_record: dict = {}
    for q in catalogue.quads(count, seed=11):
        by_record.setdefault(q.graph_name, []).append(ox.Triple(q.subject, q.predicate, q.object))
    return list(by_record.values())


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=200, help="single-record validations for kmgraph's p50")
    parser.add_argument("--naive", type=int, default=5, help="single-record validations with naive pySHACL")
    args = parser.parse_args(argv)

    store = EmbeddedStore(None)
    load_bundled(store)
    validator = RecordValidator(store)
    validator.background()
    one = list(ox.parse(path=str(EXAMPLE), format=ox.RdfFormat.TURTLE))
    one_nt = ox.serialize(one, format=ox.RdfFormat.N_TRIPLES).decode()

    times = []
    for _ in range(args.single):
        t0 = time.perf_counter()
        validator.validate(one)
        times.append(time.perf_counter() - t0)
    naive_times = []
    for _ in range(args.naive):
        t0 = time.perf_counter()
        naive_pyshacl(one_nt, RECORD_SHAPES)
        naive_times.append(time.perf_counter() - t0)

    batch = records(args.batch)
    flat = [t for r in batch for t in r]
    t0 = time.perf_counter()
    report = validator.validate(flat)
    batch_seconds = time.perf_counter() - t0
    naive_batch = batch[: max(1, args.naive)]
    t0 = time.perf_counter()
    for r in naive_batch:
        naive_pyshacl(ox.serialize(r, format=ox.RdfFormat.N_TRIPLES).decode(), RECORD_SHAPES)
    naive_rate = len(naive_batch) / (time.perf_counter() - t0)

    p50, naive_p50 = statistics.median(times), statistics.median(naive_times)
    result = {
        "one_record_p50_ms": round(p50 * 1000, 3),
        "one_record_p95_ms": round(percentile(times, 95) * 1000, 3),
        "naive_pyshacl_one_record_p50_ms": round(naive_p50 * 1000, 1),
        "speedup_one_record": round(naive_p50 / p50, 1),
        "batch_records": len(batch),
        "batch_triples": len(flat),
        "batch_seconds": round(batch_seconds, 3),
        "batch_records_per_second": round(len(batch) / batch_seconds, 1),
        "batch_findings": report.count("Violation") + report.count("Warning"),
        "naive_pyshacl_records_per_second": round(naive_rate, 2),
        "speedup_batch": round((len(batch) / batch_seconds) / naive_rate, 1),
        "goals": {"speedup_one_record": ">= 20x", "one_record_p50_ms": "< 20", "batch_records_per_second": ">= 2000"},
    }
    print(f"saved {save('validation', result)}")
    print(f"one record: p50 {result['one_record_p50_ms']} ms vs naive pySHACL {result['naive_pyshacl_one_record_p50_ms']} ms "
          f"-> {result['speedup_one_record']}x; batch of {len(batch)}: {result['batch_records_per_second']} records/s "
          f"({result['speedup_batch']}x naive pySHACL)")
    store.close()
    return result


if __name__ == "__main__":
    main()
