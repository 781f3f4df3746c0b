"""The committed vocabularies, mappings and KM document schemas are exactly what the generators make
from their sources, vendored in ``vendor/sources`` (which equal ``../shared`` whenever it is there)."""

from __future__ import annotations

import filecmp
import subprocess
import sys

from .conftest import REPO, SHARED

SOURCES = REPO / "vendor/sources"


def generate(script: str, out) -> None:
    result = subprocess.run([sys.executable, str(REPO / "scripts" / script), "--shared", str(SOURCES), "--out", str(out)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_committed_vocabularies_match_generator(tmp_path):
    out = tmp_path / "ontology"
    generate("build_vocabularies.py", out)
    generated = sorted((out / "vocabularies").glob("*.ttl")) + [out / "mappings/gbf-crosswalks.sssom.tsv"]
    assert len(generated) == len(list((REPO / "ontology/vocabularies").glob("*.ttl"))) + 1
    for path in generated:
        committed = REPO / "ontology" / path.relative_to(out)
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), committed.name


def test_committed_km_document_schemas_match_generator(tmp_path):
    generate("build_km_documents.py", tmp_path)
    generated = sorted((tmp_path / "ontology/km-documents").rglob("*.json*")) + [tmp_path / "shapes/km-documents.ttl"]
    assert len(generated) == 1 + 11 + 1
    for path in generated:
        committed = REPO / path.relative_to(tmp_path)
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), committed.name


def test_vendored_sources_equal_shared_when_it_is_there():
    """Where ../shared is beside the checkout (the developers' machines, CI), the vendored copies are
    the same files; a clone alone has only the copies, and the tests above run on them."""
    vendored = [p for p in SOURCES.rglob("*") if p.is_file() and p != SOURCES / "README.md"]
    assert len(vendored) > 20
    compared = 0
    for path in vendored:
        original = SHARED / path.relative_to(SOURCES)
        if original.is_file():
            assert filecmp.cmp(path, original, shallow=False), path
            compared += 1
    assert compared in (0, len(vendored))  # all of them, or none at all: never a partial ../shared


def test_generator_refuses_missing_sources(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "scripts/build_vocabularies.py"),
                             "--shared", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "not found" in result.stderr
