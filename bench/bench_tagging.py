"""Tagging benchmark: kmgraph against Annif itself (same data, same folds, same measures), the official
texts per language, cold start and throughput over HTTP.

Annif 1.4.3 runs in its own virtual environment (``bench/.annif-venv``, made on first use from PyPI)
with backends tfidf, svc and mllm, each trained per fold on the training texts plus one document per
concept (its labels and definition). Annif's vocabulary is the 23 GBF targets, the concepts scored:
adding the 4 goals lowers svc's P@1 by about 0.02 on average, so the targets alone are the stronger
baseline. kmgraph's ``gbf-targets`` project is cross-validated on the same folds; its backend picks
its weights and calibration by a cross-validation inside each training fold, so its figures are those
of a nested cross-validation (nothing is chosen on the texts it is scored on). 5-fold cross-validation
is repeated with differently shuffled folds (``--repeats``), because on 112 texts one split moves P@1
by up to 0.1. Both are scored by ``kmgraph.tagging.evaluation`` (Annif's definitions, and hit@3) on
GBF targets.

Then, per language (en, fr, es), the targets' official texts (decision text, titles, indicator labels)
scored by models that never saw that target's texts in that language; and a real ``kmgraph serve``:
seconds from start until ``/health`` says every project is ready (models trained at start) and until
it is ready again on a restart (models read from disk), the first suggestion's latency, and documents
per second through ``/v1/projects/gbf-targets/suggest`` one by one and through ``suggest-batch``
(32 documents a request).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from kmgraph.services import CATALOGUE, build_services, load_catalogue
from kmgraph.store import EmbeddedStore
from kmgraph.tagging.config import load_projects, read_examples
from kmgraph.tagging.evaluation import average, evaluate_official, evaluate_project, scores
from kmgraph.tagging.folds import splits
from kmgraph.vocab.bundled import load_bundled
from kmgraph.vocab.concepts import ConceptIndex

from .harness import free_port, save, start, stop

HERE = Path(__file__).resolve().parent
DEV = HERE.parent.parent / "shared/eval/aichi-activities-dev.jsonl"
VENV = HERE / ".annif-venv"
ANNIF = "annif==1.4.3"
BACKENDS = ("tfidf", "svc", "mllm")
K = 5
TOKEN = "bench-admin-token"


def annif_python() -> Path:
    python = VENV / "bin/python"
    if not (VENV / "bin/annif").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", ANNIF], check=True)
    return python


def turtle_literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def prepare(work: Path, concepts: ConceptIndex, parts: list, candidates: set[str], backends: tuple[str, ...]) -> None:
    """Vocabulary, per-fold corpora and projects for Annif in ``work``."""
    skos = ["@prefix skos: <http://www.w3.org/2004/02/skos/core#> ."]
    concept_docs = []
    for iri in sorted(candidates):
        c = concepts.get(iri)
        label = c.pref.get("en") or next(iter(c.pref.values()))
        skos.append(f"<{iri}> a skos:Concept ; skos:prefLabel {turtle_literal(label)}@en .")
        text = " ".join([label, *(alt for lang, alt in c.alt if lang == "en"), c.definition.get("en", "")])
        concept_docs.append(f"{' '.join(text.split())}\t<{iri}>")
    (work / "vocab.ttl").write_text("\n".join(skos), encoding="utf-8")
    config = []
    for n, fold in enumerate(parts):
        folder = work / f"fold-{n}"
        (folder / "test").mkdir(parents=True)
        lines = concept_docs + [f"{' '.join(ex.text.split())}\t" + " ".join(f"<{u}>" for u in ex.labels if u in candidates)
                                for ex in fold.train]
        (folder / "train.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for i, ex in enumerate(fold.test):
            (folder / "test" / f"doc-{i:03d}.txt").write_text(ex.text, encoding="utf-8")
        for backend in backends:
            config += [f"[{backend}-{n}]", f"name={backend} fold {n}", "language=en", f"backend={backend}",
                       "vocab=gbf", "analyzer=snowball(english)", "limit=100", ""]
    (work / "projects.cfg").write_text("\n".join(config), encoding="utf-8")


def run_annif(work: Path, python: Path, parts: list, wanted: set[str], corpus_text: str,
              backends: tuple[str, ...]) -> dict:
    env = {**os.environ, "NLTK_DATA": str(work / "nltk_data")}
    subprocess.run([str(python), str(HERE / "annif_runner.py"), "punkt", str(work / "nltk_data")],
                   input=corpus_text, text=True, check=True, env=env)
    annif = str(VENV / "bin/annif")
    subprocess.run([annif, "load-vocab", "gbf", "vocab.ttl", "--language", "en"], cwd=work, check=True, env=env,
                   capture_output=True)
    results = {}
    for backend in backends:
        started, per_doc, failure = time.perf_counter(), [], None
        for n, fold in enumerate(parts):
            done = subprocess.run([str(python), str(HERE / "annif_runner.py"), "fold", str(work), backend, str(n)],
                                  cwd=work, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                failure = done.stderr.strip().splitlines()[-1][:300] if done.stderr.strip() else "failed"
                break
            suggested = json.loads((work / f"fold-{n}" / f"{backend}.json").read_text())
            for i, ex in enumerate(fold.test):
                ranked = [u for u in suggested.get(f"doc-{i:03d}", []) if u in wanted][:5]
                per_doc.append(scores(ranked, {u for u in ex.labels if u in wanted}))
        results[backend] = ({"failed": failure} if failure else
                            {**{k: round(v, 4) for k, v in average(per_doc).items()},
                             "seconds": round(time.perf_counter() - started, 1)})
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEV)
    parser.add_argument("--backends", default=",".join(BACKENDS), help="Annif backends to compare")
    parser.add_argument("--repeats", type=int, default=3, help="cross-validation rounds, each with its own shuffle")
    parser.add_argument("--http-seconds", type=float, default=20, help="duration of each throughput run")
    args = parser.parse_args(argv)
    backends = tuple(args.backends.split(","))
    store = EmbeddedStore(None)
    load_bundled(store)
    load_catalogue(build_services(store), CATALOGUE)  # what `kmgraph init` gives the tagger to learn from
    examples = read_examples(args.data)
    concepts = ConceptIndex.build(store)
    project = load_projects()["gbf-targets"]
    started = time.perf_counter()
    kmgraph, wanted = evaluate_project(store, project, examples, K, args.repeats)
    kmgraph_seconds = time.perf_counter() - started
    official = evaluate_official(store, project, K)
    python = annif_python()
    work = Path(tempfile.mkdtemp(prefix="kmgraph-bench-annif-"))
    try:
        parts = splits(examples, K, args.repeats)
        prepare(work, concepts, parts, wanted, backends)
        corpus_text = "\n".join(ex.text for ex in examples) + "\n" + "\n".join(
            c.definition.get("en", "") for c in concepts.concepts.values())
        annif = run_annif(work, python, parts, wanted, corpus_text, backends)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    best = max((b for b in annif if "failed" not in annif[b]), key=lambda b: annif[b]["P@1"])
    ours = kmgraph["all"]
    result = {
        "documents": len(examples), "folds": K, "repeats": args.repeats, "annif_version": ANNIF.split("==")[1],
        "kmgraph": {**{k: round(v, 4) for k, v in ours.items()}, "seconds": round(kmgraph_seconds, 1)},
        "annif": annif, "best_annif": best,
        "delta_p_at_1": round(ours["P@1"] - annif[best]["P@1"], 4),
        "delta_hit_at_3": round(ours["hit@3"] - annif[best]["hit@3"], 4),
        "delta_ndcg_at_5": round(ours["NDCG@5"] - annif[best]["NDCG@5"], 4),
        "official_texts": {lang: {k: round(v, 4) for k, v in m.items()} for lang, m in official.items()},
        "service": service_figures(examples, args.http_seconds),
    }
    save("tagging", result)
    return result


def service_figures(examples: list, seconds: float) -> dict:
    """Cold start, restart, first suggestion and throughput of a real `kmgraph serve`."""
    work = Path(tempfile.mkdtemp(prefix="kmgraph-bench-tagging-"))
    store = work / "store"
    env = {"KMGRAPH_ADMIN_TOKEN": TOKEN, "KMGRAPH_RATE_LIMIT": "off", "KMGRAPH_RATE_LIMIT_TOKEN": "off",
           "KMGRAPH_TRAIN_AT_START": "false"}
    try:
        subprocess.run([sys.executable, "-m", "kmgraph", "init", "--store", str(store)], check=True,
                       capture_output=True, env={**os.environ, **env})
        out: dict = {}
        for run in ("cold_start", "restart"):  # the first trains every project, the second reads them from disk
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            begun = time.perf_counter()
            proc = start([sys.executable, "-m", "kmgraph", "serve", "--store", str(store), "--port", str(port)],
                         f"{url}/health", env={**env, "KMGRAPH_TRAIN_AT_START": "true"}, log=work / f"{run}.log")
            try:
                listening = time.perf_counter() - begun
                while set(httpx.get(url + "/health", timeout=30).json()["tagging"].values()) != {"ready"}:
                    time.sleep(0.1)
                ready = time.perf_counter() - begun
                first = time.perf_counter()
                r = httpx.post(url + "/v1/projects/gbf-targets/suggest", data={"text": examples[0].text}, timeout=60)
                r.raise_for_status()
                out[run] = {"listening_s": round(listening, 2), "tagging_ready_s": round(ready, 2),
                            "first_suggestion_ms": round((time.perf_counter() - first) * 1000, 1)}
                if run == "restart":
                    out["throughput"] = throughput(url, [ex.text for ex in examples], seconds)
            finally:
                stop(proc)
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def throughput(url: str, texts: list[str], seconds: float) -> dict:
    """Documents per second: one a request (sequentially, and from 4 clients), and 32 a request."""
    def one_by_one(client_no: int) -> int:
        done, deadline = 0, time.perf_counter() + seconds
        with httpx.Client(base_url=url, timeout=60) as client:
            while time.perf_counter() < deadline:
                r = client.post("/v1/projects/gbf-targets/suggest", data={"text": texts[(done + client_no) % len(texts)]})
                r.raise_for_status()
                done += 1
        return done

    def batches(client_no: int) -> int:
        done, deadline = 0, time.perf_counter() + seconds
        with httpx.Client(base_url=url, timeout=60) as client:
            while time.perf_counter() < deadline:
                docs = [{"text": texts[(done + i) % len(texts)], "document_id": str(i)} for i in range(32)]
                r = client.post("/v1/projects/gbf-targets/suggest-batch", json={"documents": docs})
                r.raise_for_status()
                done += len(docs)
        return done

    out = {}
    for name, work, clients in (("single_sequential", one_by_one, 1), ("single_4_clients", one_by_one, 4),
                                ("batch_sequential", batches, 1), ("batch_4_clients", batches, 4)):
        begun = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            total = sum(pool.map(work, range(clients)))
        out[name + "_docs_per_s"] = round(total / (time.perf_counter() - begun), 1)
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
