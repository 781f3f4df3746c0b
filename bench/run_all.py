"""Run every benchmark and write ``bench/RESULTS.md`` (``make bench``; ``make bench-quick`` for a smoke run)."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from . import (bench_http_stack, bench_km_documents, bench_retrieval, bench_scale, bench_sparql, bench_tagging,
               bench_validation, bench_vocab_load)
from .harness import OUT, machine

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, a few minutes")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from bench/out/*.json")
    args = parser.parse_args(argv)
    if args.report_only:
        sparql, validation, documents, retrieval, vocab, tagging, scale, http = (
            json.loads((OUT / f"{n}.json").read_text())
            for n in ("sparql", "validation", "km_documents", "retrieval", "vocab_load", "tagging", "scale",
                      "http_stack"))
    elif args.quick:
        sparql = bench_sparql.main(["--records", "5000", "--repeats", "10", "--budget", "5", "--rdflib-budget", "10"])
        validation = bench_validation.main(["--batch", "2000", "--naive", "2", "--single", "100"])
        documents = bench_km_documents.main(["--batch", "2000", "--naive", "1", "--single", "100"])
        retrieval = bench_retrieval.main(["--records", "10000", "--queries", "200"])
        vocab = bench_vocab_load.main(["--concepts", "10000", "--repeats", "1"])
        tagging = bench_tagging.main(["--backends", "tfidf,svc", "--repeats", "1"])
        scale = bench_scale.main(["--records", "200000", "--repeats", "5"])
        http = bench_http_stack.main(["--duration", "15"])
    else:
        sparql = bench_sparql.main([])
        validation = bench_validation.main([])
        documents = bench_km_documents.main([])
        retrieval = bench_retrieval.main([])
        vocab = bench_vocab_load.main([])
        tagging = bench_tagging.main([])
        scale = bench_scale.main([])
        http = bench_http_stack.main([])
    lines = [
        "# Benchmark results", "",
        f"Produced by `make {'bench-quick' if args.quick else 'bench'}`; every figure is measured in the same run "
        "as its baseline, on this machine:", "",
        "```", json.dumps(machine(), indent=2), "```", "",
        "| benchmark | kmgraph | baseline | ratio | goal |", "|---|---|---|---|---|",
        f"| SPARQL throughput, {sparql['records']} records ({sparql['triples']} triples), named queries, 4 clients | "
        f"{sparql['throughput']['kmgraph']['throughput_rps']} req/s | rdflib-endpoint "
        f"{sparql['throughput']['rdflib']['throughput_rps']} req/s | {sparql['throughput_ratio_vs_rdflib']}x | >= 20x |",
        f"| SPARQL sequential latency (geometric mean over named queries; in brackets: fast lane off, every run "
        f"in a worker process) | | minimal FastAPI + pyoxigraph | {sparql['latency_ratio_vs_minimal_geomean']}x "
        f"({sparql['latency_ratio_vs_minimal_geomean_fast_lane_off']}x) | <= 1.2x |",
        f"| Validation, one record (p50) | {validation['one_record_p50_ms']} ms | naive pySHACL "
        f"{validation['naive_pyshacl_one_record_p50_ms']} ms | {validation['speedup_one_record']}x faster | >= 20x, < 20 ms |",
        f"| Validation, batch of {validation['batch_records']} records | {validation['batch_records_per_second']} records/s | "
        f"naive pySHACL {validation['naive_pyshacl_records_per_second']} records/s | {validation['speedup_batch']}x | >= 2000/s |",
        f"| KM document validation, one document (p50) | {documents['one_document_p50_ms']} ms | naive pySHACL "
        f"{documents['naive_pyshacl_one_document_p50_ms']} ms | {documents['speedup_one_document']}x faster | < 5 ms |",
        f"| KM document validation, batch of {documents['batch_documents']} ({documents['batch_invalid']} invalid) | "
        f"{documents['batch_documents_per_second']} documents/s | naive pySHACL "
        f"{documents['naive_pyshacl_documents_per_second']} documents/s | {documents['speedup_batch']}x | >= 2000/s |",
        f"| Record search with facets, {retrieval['records']} records (p95) | {retrieval['search_with_facets_p95_ms']} ms | "
        f"SPARQL facet query {retrieval['sparql_facets_baseline_p50_ms']} ms (p50) | {retrieval['speedup_vs_sparql_facets']}x | <= 50 ms |",
        f"| Vocabulary gate + versioned load, {vocab['triples']} triples | {vocab['kmgraph_seconds']} s, "
        f"{vocab['kmgraph_peak_rss_mb']} MB peak | plain pyoxigraph bulk load {vocab['baseline_seconds']} s, "
        f"{vocab['baseline_peak_rss_mb']} MB (into a named graph: {vocab['named_graph_seconds']} s, "
        f"{vocab['named_graph_time_ratio']}x) | {vocab['time_ratio']}x time, {vocab['memory_ratio']}x memory | <= 2x time |",
        f"| Concept autocomplete (p95) | {retrieval['autocomplete_p95_ms']} ms | | | <= 20 ms |",
        f"| Tagging, GBF targets, {tagging['documents']} texts, nested {tagging['folds']}-fold CV x "
        f"{tagging.get('repeats', 1)}: P@1 / hit@3 / NDCG@5 | "
        f"{tagging['kmgraph']['P@1']} / {tagging['kmgraph']['hit@3']} / {tagging['kmgraph']['NDCG@5']} | best Annif "
        f"{tagging['annif_version']} backend ({tagging['best_annif']}) {tagging['annif'][tagging['best_annif']]['P@1']} / "
        f"{tagging['annif'][tagging['best_annif']]['hit@3']} / {tagging['annif'][tagging['best_annif']]['NDCG@5']} | "
        f"+{tagging['delta_p_at_1']} P@1, +{tagging['delta_hit_at_3']} hit@3 | >= +0.05 each |",
        "| Tagging, official texts held out by target, P@1 / hit@3 per language | "
        + "; ".join(f"{lang} {m['P@1']} / {m['hit@3']}" for lang, m in tagging["official_texts"].items())
        + " | the same model's English | | |",
        f"| Tagging service: cold start until every project is ready / restart (models on disk) / first "
        f"suggestion | {tagging['service']['cold_start']['tagging_ready_s']} s / "
        f"{tagging['service']['restart']['tagging_ready_s']} s / {tagging['service']['restart']['first_suggestion_ms']} ms"
        " | | | first suggestion < 2 s |",
        f"| Tagging over HTTP: one document a request (1 client; 4 clients) / suggest-batch of 32 (1; 4) | "
        f"{tagging['service']['throughput']['single_sequential_docs_per_s']}; "
        f"{tagging['service']['throughput']['single_4_clients_docs_per_s']} / "
        f"{tagging['service']['throughput']['batch_sequential_docs_per_s']}; "
        f"{tagging['service']['throughput']['batch_4_clients_docs_per_s']} docs/s | | | >= 200 / >= 1,000 docs/s |",
        *scale_rows(scale),
        http_row(http),
        "", "Per-query figures: `bench/out/*.json`.", "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS} (details in {OUT})")


def scale_rows(scale: dict) -> list[str]:
    """The scale benchmark's rows: kmgraph's own figures, then each named query beside Virtuoso's."""
    search, new_words = f"{scale['record_search_p95_ms']} ms", scale.get("record_search_new_words")
    if new_words:
        search += f" ({new_words['p95_ms']} ms)"
    rows = [
        f"| Scale: {scale['records']:,} records ({scale['quads']:,} quads), first page ({scale['page']} rows) of every "
        f"named query, slowest p95 / record search with facets p95 (the same word as a search is refined; in "
        f"brackets: every search a new word) / start-up (first start, index built) / peak memory | "
        f"{scale['named_query_p95_max_ms']} ms / {search} / {scale['startup_seconds']} s "
        f"({scale['first_start_seconds']} s) / {scale['peak_rss_mb']:,.0f} MB | | | < 200 ms / < 50 ms / < 10 s / reported |",
    ]
    other = scale.get("virtuoso")
    if other:
        remote = other["kmgraph_remote"]
        rows.append(
            f"| Scale: named queries, first page p95 against Virtuoso 7.2.5 on the same quads (geometric mean; "
            f"slowest ratio) | | Virtuoso (load {other['load_seconds']} s, peak {other['peak_rss_mb']:,.0f} MB) | "
            f"{other['ratio_geomean']}x; {other['ratio_max']}x | each <= 1.0x |")
        for name, mine in scale["named_queries"].items():
            theirs = other["queries"].get(name, {})
            cell = f"{mine['p95_ms']} ms" if "p95_ms" in mine else f"error: {_cell(mine['error'])}"
            if name in other["ratios"]:
                rows.append(f"| &nbsp;&nbsp;`{name}` | {cell} | {theirs['p95_ms']} ms | "
                            f"{other['ratios'][name]}x | <= 1.0x |")
            else:  # Virtuoso gave no answer (its own timeout): said so, not left out
                rows.append(f"| &nbsp;&nbsp;`{name}` | {cell} | no answer: {_cell(theirs.get('error', 'not run'))} | "
                            f"| <= 1.0x |")
        slowest = max(q.get("p95_ms", float("inf")) for q in remote["queries"].values())  # inf: one failed
        start = f"{remote['startup_seconds']} s"
        if "restart_seconds" in remote:
            start = f"{remote['restart_seconds']} s ({start})"
        rows.append(f"| Scale: kmgraph on Virtuoso (remote backend), start-up (first start, index built) / slowest "
                    f"first page p95 | {start} / {slowest} ms | | | |")
    return rows


def _cell(error: str) -> str:
    """An error as one table cell: its first line, without the endpoint's address (a port of that
    run) that the server's message starts with."""
    first = re.sub(r"^https?://\S+: ", "", error.strip().splitlines()[0] if error.strip() else "")
    return first.replace("|", "\\|")[:120]


def http_row(http: dict) -> str:
    """The load test's row: both HTTP stacks under the same 16-client mix."""
    fast, standard = http["stacks"]["fast"], http["stacks"]["standard"]
    return (f"| HTTP stack under load, {http['clients']} clients, {http['duration_s']:g} s each: uvloop + httptools "
            f"(default) | {fast['throughput_rps']} req/s, named-query p99 {fast['kinds']['query']['p99_ms']} ms, "
            f"{fast['errors']} errors | asyncio + h11 {standard['throughput_rps']} req/s, p99 "
            f"{standard['kinds']['query']['p99_ms']} ms | {http['throughput_ratio']}x throughput | 0 errors, p99 < 1 s |")


if __name__ == "__main__":
    main()
