"""Tagging benchmark: kmgraph against Annif itself, same data, same folds, same measures.

Annif 1.4.3 runs in its own virtual environment (``bench/.annif-venv``, made on first use from PyPI)
with backends tfidf, svc and mllm, each trained per fold on the training texts plus one document per
concept (its labels and definition). Annif's vocabulary is the 23 GBF targets, the concepts scored:
adding the 4 goals lowers svc's P@1 by about 0.02 on average, so the targets alone are the stronger
baseline. kmgraph's ``gbf-targets`` project is cross-validated on the same folds. 5-fold
cross-validation is repeated with differently shuffled folds (``--repeats``), because on 112 texts one
split moves P@1 by up to 0.1 (svc, goals in its vocabulary: 0.46 to 0.60 over ten splits). Both are scored by
``kmgraph.tagging.evaluation`` (Annif's definitions) on GBF targets. kmgraph's speed is measured in
documents per second over every text.
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
from pathlib import Path

from kmgraph.services import CATALOGUE, build_services, load_catalogue
from kmgraph.store import EmbeddedStore
from kmgraph.tagging.evaluation import average, evaluate_project, read_labelled, scores, splits
from kmgraph.vocab.bundled import load_bundled
from kmgraph.vocab.concepts import ConceptIndex

from .harness import save

HERE = Path(__file__).resolve().parent
DEV = HERE.parent.parent / "shared/eval/aichi-activities-dev.jsonl"
VENV = HERE / ".annif-venv"
ANNIF = "annif==1.4.3"
BACKENDS = ("tfidf", "svc", "mllm")
K = 5


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
    args = parser.parse_args(argv)
    backends = tuple(args.backends.split(","))
    store = EmbeddedStore(None)
    load_bundled(store)
    load_catalogue(build_services(store), CATALOGUE)  # what `kmgraph init` gives the tagger to learn from
    examples = read_labelled(args.data)
    concepts = ConceptIndex.build(store)
    started = time.perf_counter()
    kmgraph, wanted = evaluate_project(store, "gbf-targets", examples, K, args.repeats)
    kmgraph_seconds = time.perf_counter() - started
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
    result = {
        "documents": len(examples), "folds": K, "repeats": args.repeats, "annif_version": ANNIF.split("==")[1],
        "kmgraph": {**{k: round(v, 4) for k, v in kmgraph.items()}, "seconds": round(kmgraph_seconds, 1)},
        "kmgraph_docs_per_second": kmgraph_docs_per_second(store, examples),
        "annif": annif, "best_annif": best,
        "delta_p_at_1": round(kmgraph["P@1"] - annif[best]["P@1"], 4),
        "delta_ndcg_at_5": round(kmgraph["NDCG@5"] - annif[best]["NDCG@5"], 4),
    }
    save("tagging", result)
    return result


def kmgraph_docs_per_second(store, examples: list) -> float:
    """Suggestion speed of the served project (trained on everything), over every text, after warm-up."""
    from kmgraph.tagging.projects import Taggers
    from kmgraph.vocab.concepts import ConceptIndexCache

    tagger = Taggers(store, ConceptIndexCache(store)).get("gbf-targets")
    tagger.suggest(examples[0].text, "en", limit=10)
    started = time.perf_counter()
    for ex in examples * 3:
        tagger.suggest(ex.text, ex.lang, limit=10)
    return round(3 * len(examples) / (time.perf_counter() - started), 1)


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
