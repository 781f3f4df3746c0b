"""Runs the W3C SPARQL 1.1 test suite (``vendor/w3c/sparql11``) against a target.

Two targets run the same cases with the same comparisons: pyoxigraph in-process (the baseline) and
kmgraph's HTTP endpoint. Data files are turned into N-Triples with their file IRI as base first, so
both targets load exactly the same triples. Results are compared as multisets of solutions, blank
nodes as wildcards, and numeric literals either by value ("canonical") or lexically ("strict").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

import httpx
import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from kmgraph.sparql.lexer import code_tokens, has_dataset_clause

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
RDFS = rdflib.RDFS
DEFAULT = "urn:kmgraph:test:default"
SKIP_FOLDERS = {"entailment": "entailment regimes are not offered",
                "service": "SERVICE to remote endpoints is refused by design",
                "syntax-fed": "SERVICE to remote endpoints is refused by design",
                "protocol": "run by the protocol test", "service-description": "run by the protocol test",
                "graph-store-protocol": "run by the Graph Store tests"}
QUERY_TYPES = {"QueryEvaluationTest", "CSVResultFormatTest", "PositiveSyntaxTest11", "NegativeSyntaxTest11",
               "PositiveUpdateSyntaxTest11", "NegativeUpdateSyntaxTest11", "UpdateEvaluationTest"}
NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}


@dataclass
class Case:
    folder: str
    name: str
    kind: str
    action: Path | None = None
    data: list[Path] = field(default_factory=list)
    graph_data: list[tuple[str, Path]] = field(default_factory=list)  # (graph IRI, file)
    result: Path | None = None
    result_data: list[Path] = field(default_factory=list)
    result_graphs: list[tuple[str, Path]] = field(default_factory=list)
    skip: str | None = None


def _path(node: rdflib.term.Node) -> Path:
    return Path(str(node).replace("file://", ""))


def load_cases(root: Path) -> list[Case]:
    top = rdflib.Graph().parse(root / "manifest-all.ttl")
    manifests = [m for lst in top.objects(None, MF.include) for m in Collection(top, lst)]
    cases = []
    for manifest in manifests:
        path = _path(manifest)
        folder = path.parent.name
        g = rdflib.Graph().parse(path)
        for lst in g.objects(None, MF.entries):
            for entry in Collection(g, lst):
                kinds = {str(t).split("#")[-1] for t in g.objects(entry, rdflib.RDF.type)}
                kind = next(iter(kinds & QUERY_TYPES), None)
                if kind is None:
                    continue
                case = Case(folder, str(g.value(entry, MF.name) or entry), kind)
                if (entry, DAWGT.approval, DAWGT.Withdrawn) in g:
                    case.skip = "withdrawn"
                case.skip = case.skip or SKIP_FOLDERS.get(folder)
                action = g.value(entry, MF.action)
                result = g.value(entry, MF.result)
                if kind in ("QueryEvaluationTest", "CSVResultFormatTest"):
                    case.action = _path(g.value(action, QT.query))
                    case.data = [_path(d) for d in g.objects(action, QT.data)]
                    case.graph_data = [(str(d), _path(d)) for d in g.objects(action, QT.graphData)]
                    case.result = _path(result) if result is not None else None
                elif kind == "UpdateEvaluationTest":
                    case.action = _path(g.value(action, UT.request))
                    case.data = [_path(d) for d in g.objects(action, UT.data)]
                    case.graph_data = [(str(g.value(gd, RDFS.label)), _path(g.value(gd, UT.graph)))
                                       for gd in g.objects(action, UT.graphData)]
                    case.result_data = [_path(d) for d in g.objects(result, UT.data)]
                    case.result_graphs = [(str(g.value(gd, RDFS.label)), _path(g.value(gd, UT.graph)))
                                          for gd in g.objects(result, UT.graphData)]
                else:
                    case.action = _path(action)
                if (case.action and not case.skip and "Syntax" not in kind
                        and re.search(r"\bLOAD\b", case.action.read_text(errors="replace"))):
                    case.skip = "LOAD is refused by design"  # a syntax test of LOAD still runs: it must parse the same
                cases.append(case)
    return cases


def ntriples(path: Path) -> bytes:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    quads = ox.parse(path=str(path), format=fmt, base_iri=path.as_uri())
    return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)


class Target(Protocol):
    def reset(self) -> None: ...
    def load(self, graph: str | None, data: bytes) -> None: ...
    def select(self, query: str, base: str, default: list[str] | None, named: list[str] | None) -> tuple[str, bytes]: ...
    def update(self, text: str, base: str) -> None: ...
    def dataset(self) -> dict[str | None, bytes]: ...


class TargetError(Exception):
    """The target refused the request; ``syntax`` when it said the text is not valid SPARQL."""

    def __init__(self, message: str, *, syntax: bool) -> None:
        super().__init__(message)
        self.syntax = syntax


def _engine_error(exc: Exception) -> TargetError:
    return TargetError(str(exc), syntax=isinstance(exc, SyntaxError))


def _http_error(r: httpx.Response) -> TargetError:
    kind = r.json().get("type", "") if r.headers.get("content-type", "").endswith("json") else ""
    return TargetError(r.text, syntax=kind.endswith("/sparql-syntax"))


class InProcess:
    def __init__(self) -> None:
        self.store = ox.Store()

    def reset(self) -> None:
        self.store = ox.Store()

    def load(self, graph: str | None, data: bytes) -> None:
        node = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        self.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=node)

    def select(self, query, base, default, named):
        kwargs = {"base_iri": base}
        if default is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named or []]
        try:
            result = self.store.query(query, **kwargs)
            if isinstance(result, ox.QueryTriples):
                return "graph", result.serialize(format=ox.RdfFormat.N_TRIPLES)
            return "results", result.serialize(format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
            raise _engine_error(exc) from exc

    def update(self, text, base):
        try:
            self.store.update(text, base_iri=base)
        except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
            raise _engine_error(exc) from exc

    def dataset(self):
        out: dict[str | None, bytes] = {None: self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())}
        for g in self.store.named_graphs():
            out[g.value] = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
        return out


class OverHttp:
    """kmgraph's endpoints: /sparql, /update and /store, with an admin token (no row cap)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {token}"})

    def reset(self) -> None:
        self.update("DROP ALL", None)

    def load(self, graph, data):
        params = {"graph": graph} if graph else {"default": ""}
        r = self.http.post("/store", params=params, content=data, headers={"Content-Type": "application/n-triples"})
        r.raise_for_status()

    def select(self, query, base, default, named):
        params: dict = {}
        if default is not None:
            params["default-graph-uri"] = default
            params["named-graph-uri"] = named or []
        if base:
            query = f"BASE <{base}>\n{query}"
        r = self.http.post("/sparql", params=params, content=query.encode("utf-8"),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        if r.status_code >= 400:
            raise _http_error(r)
        kind = "graph" if r.headers["content-type"].startswith("application/n-triples") else "results"
        return kind, r.content

    def update(self, text, base):
        if base:
            text = f"BASE <{base}>\n{text}"
        r = self.http.post("/update", content=text.encode("utf-8"), headers={"Content-Type": "application/sparql-update"})
        if r.status_code >= 400:
            raise _http_error(r)

    def dataset(self):
        out = {None: self.http.get("/store", params={"default": ""}, headers={"Accept": "application/n-triples"}).content}
        r = self.http.post("/sparql", content=b"SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                           headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        for row in r.json()["results"]["bindings"]:
            g = row["g"]["value"]
            out[g] = self.http.get("/store", params={"graph": g}, headers={"Accept": "application/n-triples"}).content
        return out


# --- comparison -----------------------------------------------------------------------------------

def _term_key(term: dict | None, canonical: bool):
    if term is None:
        return None
    kind = term["type"]
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", term["value"])
    if kind == "triple":
        return ("triple",) + tuple(_term_key(term["value"][k], canonical) for k in ("subject", "predicate", "object"))
    datatype = term.get("datatype", "http://www.w3.org/2001/XMLSchema#string" if "xml:lang" not in term else None)
    if canonical and datatype in NUMERIC:
        try:
            return ("num", Decimal(term["value"].strip()).normalize())
        except InvalidOperation:
            pass
    return ("lit", term["value"], datatype, (term.get("xml:lang") or "").lower())


def _solutions_json(body: bytes, fmt: ox.QueryResultsFormat) -> dict:
    parsed = ox.parse_query_results(body, format=fmt)
    if isinstance(parsed, ox.QueryBoolean):
        return {"boolean": bool(parsed)}
    return json.loads(parsed.serialize(format=ox.QueryResultsFormat.JSON))


def _rows(data: dict, canonical: bool) -> Counter:
    return Counter(tuple(sorted((v, _term_key(b.get(v), canonical)) for v in data["head"]["vars"] if v in b))
                   for b in data["results"]["bindings"])


def expected_results(path: Path) -> tuple[str, object]:
    suffix = path.suffix
    if suffix in (".srx", ".srj", ".tsv"):
        fmt = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
               ".tsv": ox.QueryResultsFormat.TSV}[suffix]
        return "results", _solutions_json(path.read_bytes(), fmt)
    if suffix == ".csv":
        return "csv", path.read_text(encoding="utf-8")
    return "graph", ntriples(path)


def _graph(nt: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")


def _same_graph(a: bytes, b: bytes) -> bool:
    return isomorphic(_graph(a), _graph(b))


def _csv_rows(text: str) -> Counter:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    return Counter(tuple("_:" if cell.startswith("_:") else cell for cell in row) for row in rows[1:]) if rows else Counter()


@dataclass(frozen=True)
class Judged:
    """A case's outcome in both ways of comparing numbers (only result rows tell them apart)."""

    canonical: bool
    strict: bool

    @classmethod
    def both(cls, passed: bool) -> Judged:
        return cls(passed, passed)


def run_case(case: Case, target: Target) -> Judged:
    """Run a case once; whether it passes with numbers compared by value (canonical) and lexically."""
    target.reset()
    base = case.action.as_uri()
    text = case.action.read_text(encoding="utf-8")
    if "Syntax" in case.kind:  # valid means "not a syntax error": evaluating it may still fail or be refused
        try:
            if "Update" in case.kind:
                target.update(text, base)
            else:
                target.select(text, base, [DEFAULT], [])
            valid = True
        except TargetError as exc:
            valid = not exc.syntax
        return Judged.both(valid == case.kind.startswith("Positive"))
    if case.kind == "UpdateEvaluationTest":
        for path in case.data:
            target.load(None, ntriples(path))
        for graph, path in case.graph_data:
            target.load(graph, ntriples(path))
        try:
            target.update(text, base)
        except TargetError:
            return Judged.both(False)
        got = {k: v for k, v in target.dataset().items() if k is None or v.strip()}
        want: dict[str | None, bytes] = {None: b"".join(ntriples(p) for p in case.result_data)}
        for graph, path in case.result_graphs:
            want[graph] = ntriples(path)
        want = {k: v for k, v in want.items() if k is None or v.strip()}
        return Judged.both(set(got) == set(want) and all(_same_graph(got[k], want[k]) for k in want))
    # Query evaluation
    for path in case.data:
        target.load(DEFAULT, ntriples(path))
    for graph, path in case.graph_data:
        target.load(graph, ntriples(path))
    if has_dataset_clause(code_tokens(text)):
        default, named = None, None
    else:
        default, named = [DEFAULT], [g for g, _ in case.graph_data]
    try:
        kind, body = target.select(text, base, default, named)
    except TargetError:
        return Judged.both(False)
    want_kind, want = expected_results(case.result)
    if want_kind == "graph":
        return Judged.both(kind == "graph" and _same_graph(body, want))  # type: ignore[arg-type]
    if kind != "results":
        return Judged.both(False)
    got = json.loads(body)
    if want_kind == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(got["head"]["vars"])
        for b in got["results"]["bindings"]:
            writer.writerow(["_:" if b.get(v, {}).get("type") == "bnode" else b.get(v, {}).get("value", "")
                             for v in got["head"]["vars"]])
        return Judged.both(_csv_rows(out.getvalue()) == _csv_rows(want))  # type: ignore[arg-type]
    if "boolean" in want:  # type: ignore[operator]
        return Judged.both(got.get("boolean") == want["boolean"])  # type: ignore[index]
    if "boolean" in got:
        return Judged.both(False)
    same_vars = set(got["head"]["vars"]) == set(want["head"]["vars"])  # type: ignore[index]
    return Judged(same_vars and _rows(got, True) == _rows(want, True),  # type: ignore[arg-type]
                  same_vars and _rows(got, False) == _rows(want, False))  # type: ignore[arg-type]


@dataclass
class Report:
    by_folder: dict[str, Counter] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)  # "folder/name" -> pass, fail or skip

    def add(self, case: Case, outcome: str) -> None:
        self.by_folder.setdefault(case.folder, Counter())[outcome] += 1
        self.outcomes[f"{case.folder}/{case.name}"] = outcome

    def passed(self) -> set[str]:
        return {name for name, outcome in self.outcomes.items() if outcome == "pass"}

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.by_folder.values())

    def lines(self, title: str) -> list[str]:
        out = [f"{title}: {self.total('pass')} passed, {self.total('fail')} failed, {self.total('skip')} skipped"]
        for folder, c in sorted(self.by_folder.items()):
            out.append(f"  {folder:<22} pass {c['pass']:>3}  fail {c['fail']:>3}  skip {c['skip']:>3}")
        return out


def run_all(cases: list[Case], target: Target) -> dict[bool, Report]:
    """Every case run once against ``target``: the report with numbers by value (``True``) and lexical."""
    reports = {True: Report(), False: Report()}
    for case in cases:
        if case.skip:
            for report in reports.values():
                report.add(case, "skip")
            continue
        judged = run_case(case, target)
        reports[True].add(case, "pass" if judged.canonical else "fail")
        reports[False].add(case, "pass" if judged.strict else "fail")
    return reports
