"""The committed vocabularies are exactly what the generator makes from ../shared (when present)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REPO, SHARED


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared is not beside this checkout")
def test_committed_output_matches_generator(tmp_path):
    out = tmp_path / "ontology"
    result = subprocess.run([sys.executable, str(REPO / "scripts/build_vocabularies.py"),
                             "--shared", str(SHARED), "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for generated in sorted((out / "vocabularies").glob("*.ttl")) + [out / "mappings/gbf-crosswalks.sssom.tsv"]:
        committed = REPO / "ontology" / generated.relative_to(out)
        assert committed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), committed.name


def test_generator_refuses_missing_shared(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "scripts/build_vocabularies.py"),
                             "--shared", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "not found" in result.stderr


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared is not beside this checkout")
def test_committed_km_document_schemas_match_generator(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "scripts/build_km_documents.py"), "--shared", str(SHARED),
                             "--out", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    generated = sorted((tmp_path / "ontology/km-documents").rglob("*.json*")) + [tmp_path / "shapes/km-documents.ttl"]
    assert len(generated) == 1 + 11 + 1
    for path in generated:
        committed = REPO / path.relative_to(tmp_path)
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), committed.name
