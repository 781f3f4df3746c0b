"""The quality gate: SKOS integrity and qSKOS-class checks, written as SPARQL in ``queries/quality/``.

A check is a SELECT whose header names its stable id, severity (error blocks a load unless forced;
warning is reported), title, description and a message template filled from the result's variables.
Curators read and extend the checks by editing those files. A file may also declare several checks
under ``checks:`` when they share one pass over the data; its rows then name their check in ``?check``.
They run over a *check dataset*: the candidate content in the default graph and the current version
as the named graph ``urn:kmgraph:previous`` (so that removed concepts can be found).
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import BASE
from ..queries import read_header
from ..resources import QUERIES_DIR
from .dataset import PREVIOUS_GRAPH, default_graphs

__all__ = ["PREVIOUS_GRAPH", "GateReport", "checks", "run_gate"]

QUALITY_DIR = QUERIES_DIR / "quality"
SEVERITIES = ("error", "warning")
CHECK_BASE = BASE + "quality/"


@dataclass(frozen=True)
class Check:
    """What one check finds and how much it matters."""

    id: str
    severity: str
    title: str
    description: str
    message: str
    file: str


@dataclass(frozen=True)
class CheckQuery:
    """One query file and the checks it reports: one, or several that share a pass (``?check`` says which)."""

    text: str
    checks: tuple[Check, ...]

    def run(self, dataset, default_graph: list | None = None) -> list[Finding]:
        """The findings over ``dataset`` (a check dataset, whose default graph may be given, or a store)."""
        by_id = {c.id: c for c in self.checks}
        results = dataset.query(self.text, default_graph=default_graph) if default_graph else dataset.query(self.text)
        names = [v.value for v in results.variables]
        findings = []
        for solution in results:
            values = {n: _display(solution[n]) for n in names if solution[n] is not None}
            concept = values.pop("concept", "")
            named = values.pop("check", "") if len(self.checks) > 1 else self.checks[0].id
            check = by_id.get(named)
            if check is None:
                raise ValueError(f"{self.checks[0].file}: a row names check {named!r}, "
                                 "which its header does not declare")
            findings.append(Finding(check.id, check.severity, concept, _fill(check.message, values)))
        return findings


def _display(term) -> str:
    if isinstance(term, ox.Literal):
        return f"\"{term.value}\"@{term.language}" if term.language else term.value
    return term.value


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format_map(_Missing(values))


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    concept: str
    message: str


@dataclass
class GateReport:
    findings: list[Finding] = field(default_factory=list)
    forced: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def passed(self) -> bool:
        return self.errors == 0

    def counts(self) -> dict[str, int]:
        return dict(Counter(f.check for f in self.findings))

    def to_dict(self) -> dict:
        return {"passed": self.passed, "forced": self.forced, "errors": self.errors, "warnings": self.warnings,
                "counts": self.counts(), "findings": [asdict(f) for f in self.findings]}


def load_checks(directory: Path) -> tuple[CheckQuery, ...]:
    """The check queries of a folder of ``*.rq`` files, each check with an id, a severity and a message."""
    found = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = read_header(path.stem, text)
        entries = meta.get("checks") or [meta]
        file = str(path.relative_to(QUERIES_DIR.parent) if path.is_relative_to(QUERIES_DIR.parent) else path)
        if not all(isinstance(e, dict) and e.get("severity") in SEVERITIES and e.get("id") for e in entries):
            raise ValueError(f"{path}: a check needs an id and a severity ({', '.join(SEVERITIES)})")
        if len(entries) > 1 and "?check" not in text:
            raise ValueError(f"{path}: a file of several checks names each row's check in ?check")
        found.append(CheckQuery(text, tuple(
            Check(e["id"], e["severity"], e.get("title", e["id"]), " ".join(str(e.get("description", "")).split()),
                  e.get("message", e["id"]), file) for e in entries)))
    return tuple(found)


@lru_cache(maxsize=1)
def check_queries() -> tuple[CheckQuery, ...]:
    return load_checks(QUALITY_DIR)


def checks() -> tuple[Check, ...]:
    return tuple(c for query in check_queries() for c in query.checks)


def run_gate(dataset: ox.Store) -> GateReport:
    """Run every check over a check dataset (candidate in the default graph, current version named).

    The checks run side by side in threads, one per core: pyoxigraph lets go of the GIL while it
    evaluates a query, and a large vocabulary keeps every check busy for a while. The threads run at
    a lower priority, so that a load running beside them (and the service's requests) come first."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="gate",
                            initializer=_yield_priority) as pool:
        graphs = default_graphs(dataset)
        findings = [f for found in pool.map(lambda query: query.run(dataset, graphs), check_queries()) for f in found]
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity), f.check, f.concept))
    return GateReport(findings)


def _yield_priority() -> None:
    """Lower the calling thread's scheduling priority (Linux threads have their own nice value)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10))
    except (AttributeError, OSError):  # not Linux, or not allowed: run at the usual priority
        pass


def render_text(report: GateReport, limit_per_check: int = 20) -> str:
    lines, shown = [], Counter()
    for f in report.findings:
        shown[f.check] += 1
        if shown[f.check] <= limit_per_check:
            lines.append(f"{f.severity:7} {f.check:38} {f.concept}  {f.message}")
        elif shown[f.check] == limit_per_check + 1:
            lines.append(f"{'':7} {f.check:38} ... {report.counts()[f.check] - limit_per_check} more")
    verdict = "passed" if report.passed else ("FORCED despite errors" if report.forced else "FAILED")
    lines.append(f"quality gate {verdict}: {report.errors} errors, {report.warnings} warnings")
    return "\n".join(lines) + "\n"


def render_json(report: GateReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_turtle(report: GateReport) -> str:
    """The report as a SHACL validation report, each finding a result whose source is the check."""
    sh = "http://www.w3.org/ns/shacl#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    root = ox.BlankNode()
    triples = [ox.Triple(root, rdf_type, ox.NamedNode(sh + "ValidationReport")),
               ox.Triple(root, ox.NamedNode(sh + "conforms"), ox.Literal(report.passed))]
    for f in report.findings:
        node = ox.BlankNode()
        triples += [
            ox.Triple(root, ox.NamedNode(sh + "result"), node),
            ox.Triple(node, rdf_type, ox.NamedNode(sh + "ValidationResult")),
            ox.Triple(node, ox.NamedNode(sh + "resultSeverity"),
                      ox.NamedNode(sh + ("Violation" if f.severity == "error" else "Warning"))),
            ox.Triple(node, ox.NamedNode(sh + "sourceShape"), ox.NamedNode(CHECK_BASE + f.check)),
            ox.Triple(node, ox.NamedNode(sh + "resultMessage"), ox.Literal(f.message, language="en")),
        ]
        if f.concept:
            focus = ox.NamedNode(f.concept) if ":" in f.concept else ox.Literal(f.concept)
            triples.append(ox.Triple(node, ox.NamedNode(sh + "focusNode"), focus))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"sh": sh}).decode("utf-8")


RENDERERS = {"text": render_text, "json": render_json, "turtle": render_turtle}


def describe_checks() -> list[dict]:
    return [{"id": c.id, "severity": c.severity, "title": c.title, "description": c.description, "file": c.file}
            for c in checks()]

