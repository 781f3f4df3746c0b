"""A clone on its own, with no ../shared beside it, runs the tests that read the generator's sources,
the W3C suites and the official data: nothing skips for a missing file (what people who clone the
published repository have)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = [pytest.mark.slow]
# The tests whose inputs once lived only in ../shared (the SPARQL suite is loaded, not run: it needs a server).
SELECTED = ["tests/test_generator.py", "tests/test_shacl_conformance.py", "tests/test_kmgbf.py::test_there_are_eleven_official_queries",
            "tests/test_kmgbf.py::test_kmgraph_copy_is_generated_from_the_official_files",
            "tests/test_curation.py::test_sdg_kos_as_a_curator_loads_it",
            "tests/test_km_documents.py::test_thesaurus_answers_the_cbd_terms_of_gbf_targets_json",
            "tests/test_km_documents.py::test_cbd_test_resource_sample"]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, check=False).returncode:
        pytest.fail("the checkout is not a git repository: this test clones it")
    target = tmp_path_factory.mktemp("alone") / "kmgraph"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(target)], check=True)
    assert not (target.parent / "shared").exists()
    return target


def test_a_clone_alone_runs_these_tests_without_skips(clone):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"CI": "true"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *SELECTED],
                            cwd=clone, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "skipped" not in result.stdout.lower(), result.stdout[-3000:]
    assert " passed" in result.stdout


def test_a_clone_alone_holds_the_sparql_suite(clone):
    code = ("from pathlib import Path; from tests.conformance import sparql_suite; "
            "print(len(sparql_suite.load_cases(Path('vendor/w3c/sparql11'))))")
    result = subprocess.run([sys.executable, "-c", code], cwd=clone, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip().splitlines()[-1]) > 400
