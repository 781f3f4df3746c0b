"""Vocabulary load benchmark: quality gate + versioned load of a generated vocabulary vs plain bulk load.

Generates a SKOS vocabulary of about 10 triples per concept (default 100,000 concepts, 1M triples;
three languages, hierarchy, definitions, sources) and, each in a fresh process so that peak memory
is the process's own, measures:

- baseline: ``pyoxigraph.Store(dir).bulk_load(path=file)``, the plain bulk load of the same file;
- named: the same bulk load into a named graph, as every vocabulary version is (a floor for kmgraph:
  a quad store keeps six indexes for named graphs against three for the default graph);
- kmgraph: ``Curator.load`` into a fresh store: parse, every check of ``queries/quality``, archive
  of the version, load into the vocabulary's named graph and the PROV-O version record.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from .harness import save

CHILD = r"""
import json, sys, time
from pathlib import Path
mode, file, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t0 = time.perf_counter()
if mode in ("baseline", "named"):
    import pyoxigraph as ox
    store = ox.Store(str(work / "db"))
    graph = {"to_graph": ox.NamedNode("https://example.org/graph")} if mode == "named" else {}
    store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, **graph)
    store.flush()
    extra = {"triples": len(store)}
else:
    from kmgraph.curation import Curator, source_for_path
    from kmgraph.access import Actor
    from kmgraph.store import EmbeddedStore
    with EmbeddedStore(work / "db", query_workers=0) as store:
        result = Curator(store, work / "versions").load([source_for_path(file)], Actor.of_role("bench", "curator"), "big")
        extra = {"status": result.status, "errors": result.report.errors, "warnings": result.report.warnings,
                 "triples": result.summary.triples}
seconds = time.perf_counter() - t0
# VmHWM, not getrusage: Linux carries ru_maxrss over from the parent across fork, so a child of a big
# benchmark process would report the parent's peak.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_rss_mb": hwm / 1024, **extra}))
"""


def generate(path: Path, concepts: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                  "@prefix dcterms: <http://purl.org/dc/terms/> .\n@prefix v: <https://example.org/big/> .\n"
                  'v:scheme a skos:ConceptScheme ; skos:prefLabel "Generated vocabulary"@en .\n')
        for i in range(concepts):
            up = "skos:topConceptOf v:scheme" if i < 10 else f"skos:broader v:c{rnd.randrange(max(1, i // 10))}"
            out.write(f'v:c{i} a skos:Concept ; skos:inScheme v:scheme ; skos:notation "BIG-{i:07d}" ; {up} ;\n'
                      f'  skos:prefLabel "concept {i}"@en , "concept {i} (fr)"@fr , "concepto {i}"@es ;\n'
                      f'  skos:altLabel "alternative {i}"@en ; skos:definition "Definition of concept {i}."@en ;\n'
                      f"  dcterms:source <https://example.org/source/{i % 100}> .\n")


def run(mode: str, file: Path, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(file), str(work)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kmgraph-bench-load-") as tmp:
        file = Path(tmp) / "big.ttl"
        generate(file, args.concepts)
        runs = {"baseline": [], "named": [], "kmgraph": []}
        for i in range(args.repeats):
            for mode in runs:
                runs[mode].append(run(mode, file, Path(tmp) / f"{mode}-{i}"))
    best = {mode: min(r["seconds"] for r in rs) for mode, rs in runs.items()}
    peak = {mode: max(r["peak_rss_mb"] for r in rs) for mode, rs in runs.items()}
    result = {
        "concepts": args.concepts,
        "triples": runs["baseline"][0]["triples"],
        "runs": runs,
        "baseline_seconds": round(best["baseline"], 2),
        "named_graph_seconds": round(best["named"], 2),
        "kmgraph_seconds": round(best["kmgraph"], 2),
        "time_ratio": round(best["kmgraph"] / best["baseline"], 2),
        "named_graph_time_ratio": round(best["named"] / best["baseline"], 2),
        "baseline_peak_rss_mb": round(peak["baseline"]),
        "kmgraph_peak_rss_mb": round(peak["kmgraph"]),
        "memory_ratio": round(peak["kmgraph"] / peak["baseline"], 2),
    }
    save("vocab_load", result)
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))
    return result


if __name__ == "__main__":
    main()
