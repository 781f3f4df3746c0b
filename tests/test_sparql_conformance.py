"""W3C SPARQL 1.1 suites through the HTTP endpoint, against pyoxigraph in-process as the baseline.

Pass/fail/skip per folder is printed in the "conformance" section at the end of the test output.
"""

from __future__ import annotations

import pytest

from .conformance import protocol_suite, sparql_suite
from .conftest import CONFORMANCE_REPORT, REPO

SUITE = REPO / "vendor/w3c/sparql11"
pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def cases():
    return sparql_suite.load_cases(SUITE)


def test_http_endpoint_passes_what_pyoxigraph_passes(cases, scratch_server):
    """Each case runs once in-process and once over HTTP, and is judged both ways of comparing
    numbers: by value and lexically."""
    baselines = sparql_suite.run_all(cases, sparql_suite.InProcess())
    https = sparql_suite.run_all(cases, sparql_suite.OverHttp(scratch_server.url, scratch_server.token))
    syntax = {f"{c.folder}/{c.name}" for c in cases if "Syntax" in c.kind and not c.skip}
    for canonical in (True, False):
        baseline, http = baselines[canonical], https[canonical]
        mode = "numbers by value" if canonical else "lexical numbers"
        CONFORMANCE_REPORT.extend(http.lines(f"SPARQL 1.1 suite through HTTP ({mode})"))
        CONFORMANCE_REPORT.append(f"  pyoxigraph in-process ({mode}): {baseline.total('pass')} passed, "
                                  f"{baseline.total('fail')} failed, {baseline.total('skip')} skipped")
        # Case by case: every case pyoxigraph passes in-process passes over HTTP. The policy refusals
        # (SERVICE, LOAD evaluation, entailment) are skipped on both sides with their reason, see
        # sparql_suite.SKIP_FOLDERS; a syntax test of them still runs and must come out the same.
        assert sorted(baseline.passed() - http.passed()) == [], mode
        assert {n: o for n, o in http.outcomes.items() if n in syntax} == \
            {n: o for n, o in baseline.outcomes.items() if n in syntax}, mode
        assert len(baseline.passed()) > 400, mode  # the suite really ran


def test_protocol_suite(scratch_server):
    outcomes = protocol_suite.run(SUITE / "protocol/manifest.ttl", scratch_server.url, scratch_server.token)
    passed = sum(o.passed for o in outcomes)
    CONFORMANCE_REPORT.append(f"SPARQL 1.1 Protocol: {passed}/{len(outcomes)} passed")
    assert len(outcomes) == 34
    assert passed == 34, [f"{o.name}: {o.reason}" for o in outcomes if not o.passed]
