"""Runs inside the Annif virtual environment (bench/.annif-venv), driven by bench/bench_tagging.py.

usage: annif_runner.py punkt DATA_DIR            build NLTK punkt_tab parameters (see below)
       annif_runner.py fold WORK BACKEND FOLD   train one backend on one fold, suggest for its test texts

NLTK's ``punkt_tab`` data (which Annif's analyzers need to split sentences) cannot be downloaded
here. ``punkt`` is an unsupervised model, so we train it with NLTK's own ``PunktTrainer`` on English
text we ship (the vocabulary labels and definitions, and the training texts) and write it in the
``punkt_tab`` layout NLTK reads. Sentence splitting only feeds word tokenisation in Annif, so the
effect on its results is small.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def build_punkt(data_dir: Path, text: str) -> None:
    from nltk.tabdata import TabEncoder
    from nltk.tokenize.punkt import PunktTrainer

    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    trainer.train(text, finalize=True)
    params = trainer.get_params()
    out = data_dir / "tokenizers" / "punkt_tab" / "english"
    out.mkdir(parents=True, exist_ok=True)
    enc = TabEncoder()
    (out / "collocations.tab").write_text(enc.tups2tab(sorted(params.collocations)), encoding="utf-8")
    (out / "sent_starters.txt").write_text(enc.set2txt(sorted(params.sent_starters)), encoding="utf-8")
    (out / "abbrev_types.txt").write_text(enc.set2txt(sorted(params.abbrev_types)), encoding="utf-8")
    (out / "ortho_context.tab").write_text(enc.ivdict2tab(dict(sorted(params.ortho_context.items()))),
                                           encoding="utf-8")


def annif(work: Path, *args: str) -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "annif"), *args], cwd=work, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise RuntimeError(f"annif {' '.join(args)}: {result.stderr[-1500:]}")


def run_fold(work: Path, backend: str, fold: int) -> None:
    """Train ``backend`` on ``fold-N/train.tsv``; write ``fold-N/BACKEND.json`` with the suggestions."""
    folder = work / f"fold-{fold}"
    project = f"{backend}-{fold}"
    annif(work, "train", project, str(folder / "train.tsv"))
    annif(work, "index", project, "--force", "--limit", "10", str(folder / "test"))
    suggestions = {}
    for doc in sorted((folder / "test").glob("*.txt")):
        lines = doc.with_suffix(".annif").read_text(encoding="utf-8").splitlines()
        suggestions[doc.stem] = [line.split("\t")[0].strip("<>") for line in lines if line.strip()]
    (folder / f"{backend}.json").write_text(json.dumps(suggestions), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "punkt":
        build_punkt(Path(sys.argv[2]), sys.stdin.read())
    else:
        run_fold(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
