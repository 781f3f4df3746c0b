"""Property-based tests of the HTTP API from its own OpenAPI document (schemathesis), against a
running server: generated requests never get a 5xx, and every answer matches the document (status
code, media type, body schema). Anonymous: writes are all refused, so the store is never fuzzed."""

from __future__ import annotations

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .services import server

CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 40  # per operation: bounded, so the run stays under a minute


def test_api_conforms_to_its_openapi_document(tmp_path):
    live = server.start(tmp_path / "store", env={"KMGRAPH_QUERY_TIMEOUT": "3"})
    failures: dict[str, str] = {}
    try:
        _train_taggers(live.url)
        schema = schemathesis.openapi.from_url(live.url + "/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 30
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def exercise(case):
                case.call_and_validate(checks=CHECKS)

            try:
                exercise()
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, then report them all
                failures[operation.label] = str(exc)[:1500]
    finally:
        live.stop()
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())


def _train_taggers(url: str) -> None:
    """Each tagging project trains on its first request, which can take longer than a fuzzed call may
    wait (10 s) on a busy machine: train them first, so that the calls test conformance, not a cold start."""
    for project in httpx.get(url + "/v1/projects", timeout=30).json()["projects"]:
        response = httpx.post(f"{url}/v1/projects/{project['project_id']}/suggest",
                              data={"text": "protected areas and biodiversity"}, timeout=300)
        assert response.status_code == 200, response.text
