"""The W3C SHACL test suite through kmgraph's validation path, case by case against plain pySHACL.

pySHACL runs every case as the cross-check engine; each case it gets right, kmgraph must get right
too, and every case where the two differ is printed in the conformance section of the output.
"""

from __future__ import annotations

import collections

import pytest

from .conformance import shacl_suite
from .conftest import CONFORMANCE_REPORT, REPO

SUITE = REPO / "vendor/w3c/shacl"


@pytest.fixture(scope="module")
def outcomes():
    return {name: {o.case: o for o in shacl_suite.run(SUITE, engine)}
            for name, engine in shacl_suite.ENGINES.items()}


def test_shacl_suite_case_by_case(outcomes):
    ours, pyshacl = outcomes["kmgraph"], outcomes["pyshacl"]
    assert len(ours) == len(pyshacl) == 120
    engines = collections.Counter(o.engine for o in ours.values() if o.passed)
    CONFORMANCE_REPORT.append(
        f"SHACL core+sparql suite: {sum(o.passed for o in ours.values())}/120 passed ({engines['kmgraph']} by the "
        f"compiled engine, {engines['pyshacl']} by pySHACL, {engines['rejected']} ill-formed shapes rejected); "
        f"plain pySHACL: {sum(o.passed for o in pyshacl.values())}/120")
    for key in sorted(ours):
        if ours[key].passed != pyshacl[key].passed:
            CONFORMANCE_REPORT.append(f"  differs: {ours[key].folder}/{ours[key].name}: kmgraph {'pass' if ours[key].passed else 'fail'}"
                                      f" [{ours[key].engine}], pySHACL {'pass' if pyshacl[key].passed else 'fail'}"
                                      f" {pyshacl[key].reason[:100]}")
    assert [ours[k].name for k in pyshacl if pyshacl[k].passed and not ours[k].passed] == []
    assert [o.name for o in ours.values() if o.engine == "crash"] == []
    assert engines["kmgraph"] >= 95  # SHACL Core tests really run on the compiled engine


def test_a_crash_is_never_a_correct_rejection(outcomes, monkeypatch):
    """A case that expects a failure passes only when the engine says the shapes are ill-formed."""
    expected_failures = [k for k, o in outcomes["kmgraph"].items() if o.engine == "rejected"]
    assert expected_failures  # the suite has such cases and kmgraph rejects them

    def crash(data, shapes):
        raise KeyError("boom")

    crashed = shacl_suite.run(SUITE, crash)
    assert not any(o.passed for o in crashed) and {o.engine for o in crashed} == {"crash"}
