"""The curator's operations: check, load (a new version behind the quality gate), diff, roll back, export.

A load parses the files into an in-memory candidate, puts the current version beside it and runs
the gate there. The vocabulary graph changes only if the gate passes (or the curator forces it):

- replacing a version applies the difference (triples removed and added) and moves the ``current``
  pointer in one SPARQL Update, so readers and a crash see the old version or the new one;
- a first version is bulk-loaded while the gate runs (both in parallel; from the files themselves,
  while they are parsed for the gate, when the vocabulary id is given);
- every load is recorded as ``loading`` while it runs: if the process dies, ``recover`` marks it
  ``failed`` when the store next opens, and drops the partial graph of a first version.

The gate's checks run in threads, beside the summary of the candidate.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from ..access import Actor
from ..errors import InputError, NotFoundError
from ..namespaces import vocabulary_graph
from ..resources import query_text
from ..store import Store
from .dataset import PREVIOUS_GRAPH, entail_concepts, query
from .gate import Finding, GateReport, run_gate
from .sources import (
    Candidate,
    SourceFile,
    read_candidate,
    source_for_upload,
    vocabulary_id,
)
from .versions import (
    CATALOG_GRAPH,
    Catalog,
    NewVersion,
    VersionInfo,
    update_text,
    version_node,
)

# Formats the store loads from a file while the same file is parsed for the gate.
STREAMED = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)
DIFF_QUERIES = ("concepts", "labels", "hierarchy", "mappings")


@dataclass
class Summary:
    triples: int
    concepts: int
    added: int
    changed: int
    removed: int
    languages: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class LoadResult:
    vocabulary: str
    report: GateReport
    summary: Summary
    version: int | None = None
    status: str = "checked"
    changes: dict | None = None  # a check's diff against the current version (None: there is none)

    @property
    def accepted(self) -> bool:
        return self.status == "current"

    @classmethod
    def from_dict(cls, data: dict) -> LoadResult:
        """A result as ``to_dict`` gave it (from a service's answer)."""
        gate = data["gate"]
        report = GateReport([Finding(**f) for f in gate["findings"]], forced=gate.get("forced", False))
        return cls(data["vocabulary"], report, Summary(**data["summary"]), data.get("version"),
                   data.get("status", "checked"), data.get("changes"))

    def to_dict(self) -> dict:
        out = {"vocabulary": self.vocabulary, "version": self.version, "status": self.status,
               "summary": self.summary.__dict__, "gate": self.report.to_dict()}
        return out if self.changes is None else {**out, "changes": self.changes}


class Curator:
    def __init__(self, store: Store, archive_dir: Path | None) -> None:
        self.store = store
        self.catalog = Catalog(store, archive_dir)
        self._lock = threading.Lock()

    # --- checking and loading -------------------------------------------------------------------

    def check(self, sources: list[SourceFile], vocab: str | None = None, *, base: str | None = None,
              progress: Callable[[int], None] | None = None) -> LoadResult:
        """Run the gate on files without storing anything (against the current version if any)."""
        candidate = read_candidate(sources, base=base, progress=progress)
        vocab_id = self._vocabulary_id(candidate, vocab)
        previous = self._add_previous(candidate, vocab_id)
        entail_concepts(candidate.store, self._concept_classes())
        return LoadResult(vocab_id, run_gate(candidate.store), _summarise(candidate),
                          changes=diff_dataset(candidate.store) if previous else None)

    def load(self, sources: list[SourceFile], actor: Actor, vocab: str | None = None, *, force: bool = False,
             base: str | None = None, progress: Callable[[int], None] | None = None,
             rollback_of: int | None = None, comment: str | None = None) -> LoadResult:
        read = functools.partial(read_candidate, sources, base=base, progress=progress)
        candidate = None
        if vocab is None:  # the id may be declared in the data: read it first
            candidate = read()
            vocab_id = self._vocabulary_id(candidate, None)
        else:
            vocab_id = vocabulary_id(vocab)
        with self._lock:
            return self._load(read, candidate, sources, vocab_id, actor, force, rollback_of, comment)

    def _load(self, read: Callable[[], Candidate], candidate: Candidate | None, sources: list[SourceFile],
              vocab_id: str, actor: Actor, force: bool, rollback_of: int | None, comment: str | None) -> LoadResult:
        """Load ``candidate``, or what ``read`` gives when it is not read yet."""
        graph = vocabulary_graph(vocab_id)
        graphs = [graph, CATALOG_GRAPH]
        first = not self.store.has_graph(graph)
        # A first version from Turtle or N-Triples files goes into the store straight from them,
        # while they are parsed for the gate; anything else is read first (a bad file writes nothing).
        early = candidate is None and first and all(s.path is not None and s.rdf_format in STREAMED
                                                    for s in sources)
        if candidate is None and not early:
            candidate = read()
        version = NewVersion(vocab_id, self.catalog.next_number(vocab_id), actor, sources, "loading",
                             rollback_of=rollback_of, comment=comment)
        node = version_node(vocab_id, version.number)
        forget = f"DELETE WHERE {{ GRAPH {ox.NamedNode(CATALOG_GRAPH)} {{ {node} ?p ?o }} }}"
        loader = None
        # Every load is on record while it runs, so that one a dead process left ends "failed".
        self.store.update(version.placeholder_update(), graphs=[CATALOG_GRAPH])
        if first:
            loader = self._bulk_load(graph, [(s.path, s.rdf_format) for s in sources] if early else
                                     candidate.payloads)
        try:
            if candidate is None:
                candidate = read()
            if not first:
                self._add_previous(candidate, vocab_id)
            entail_concepts(candidate.store, self._concept_classes())
            summarising = _Background(lambda: _summarise(candidate))
            report = run_gate(candidate.store)
            summary = summarising.join()
            accepted = report.passed or force
            if accepted:  # archived while the store may still be loading
                version.archive = self.catalog.archive(vocab_id, version.number, candidate)
            if loader:
                loader.join()
        except BaseException:
            if loader:
                loader.join(reraise=False)
            drop = [f"DROP SILENT GRAPH {ox.NamedNode(graph)}"] if first else []
            self.store.update(" ;\n".join([*drop, forget]), graphs=graphs)
            raise
        report.forced = force and not report.passed
        version.triples, version.concepts = summary.triples, summary.concepts
        version.errors, version.warnings, version.forced = report.errors, report.warnings, report.forced
        if not accepted:
            version.status = "rejected"
            drop = [f"DROP SILENT GRAPH {ox.NamedNode(graph)}"] if first else []
            self.store.update(" ;\n".join([*drop, forget, version.insert_update()]), graphs=graphs)
            return LoadResult(vocab_id, report, summary, version.number, version.status)
        content = [] if first else _replacement(candidate.store, graph)
        self.store.update(" ;\n".join([forget, *content, version.insert_update(),
                                                 update_text("set-status", version=node, status="current")]),
                          graphs=graphs)
        return LoadResult(vocab_id, report, summary, version.number, "current")

    def _bulk_load(self, graph: str, payloads: list[tuple[Path | bytes, ox.RdfFormat]]) -> _Background:
        return _Background(lambda: [self.store.bulk_add_to_graph(graph, payload, fmt) for payload, fmt in payloads])

    def _vocabulary_id(self, candidate: Candidate, vocab: str | None) -> str:
        if vocab:
            return vocabulary_id(vocab)
        declared = candidate.declared_id()
        if declared:
            return declared
        stem = Path(candidate.sources[0].name).stem.lower()
        return vocabulary_id("".join(c if c.isalnum() else "-" for c in stem).strip("-") or "vocabulary")

    def _add_previous(self, candidate: Candidate, vocab_id: str) -> bool:
        """Put the current content of the vocabulary beside the candidate; False when there is none."""
        graph = vocabulary_graph(vocab_id)
        if not self.store.has_graph(graph):
            return False
        dump = self.store.dump_graph(graph, ox.RdfFormat.N_TRIPLES)
        candidate.store.load(dump, format=ox.RdfFormat.N_TRIPLES, to_graph=PREVIOUS_GRAPH)
        return True

    def _concept_classes(self) -> set[ox.NamedNode]:
        """Classes of concepts declared in the store (a vocabulary may rely on another's ontology)."""
        return {row["class"] for row in self.store.query(query_text("system/concept-classes"))}

    def recover(self) -> list[str]:
        """Finish what a dead process left: its load is marked failed, a partial first version dropped."""
        fixed = []
        for row in self.store.query(query_text("curation/loading-versions"), union_default_graph=False):
            vocab_id, version = row["id"].value, row["version"]
            steps = [update_text("set-status", version=version, status="failed")]
            if row["hasCurrent"].value != "true":
                steps.insert(0, f"DROP SILENT GRAPH {ox.NamedNode(vocabulary_graph(vocab_id))}")
            self.store.update(" ;\n".join(steps), graphs=[vocabulary_graph(vocab_id), CATALOG_GRAPH])
            fixed.append(f"{vocab_id}: unfinished load {version.value} marked failed"
                         + ("" if row["hasCurrent"].value == "true" else ", its partial graph dropped"))
        return fixed

    # --- versions -------------------------------------------------------------------------------

    def versions(self, vocab_id: str) -> list[VersionInfo]:
        versions = self.catalog.versions(vocabulary_id(vocab_id))
        if not versions and not self.store.has_graph(vocabulary_graph(vocab_id)):
            raise NotFoundError(f"no vocabulary {vocab_id!r}; GET /vocabularies lists them")
        return versions

    def rollback(self, vocab_id: str, number: int, actor: Actor, *, force: bool = False) -> LoadResult:
        """Make the content of an earlier version current again, as a new version that says so.

        The old content goes through the gate like any load: going back may remove concepts that
        records now use. Without ``force`` such a rollback is recorded as rejected and changes nothing.
        """
        info = self.catalog.version(vocabulary_id(vocab_id), number)
        data, rdf_format = self.catalog.archived_content(info)
        source = source_for_upload(f"{vocab_id}-version-{number}", rdf_format.media_type, data)
        return self.load([source], actor, vocab_id, force=force, rollback_of=number,
                         comment=f"{'forced ' if force else ''}rollback to version {number}")

    def archived(self, vocab_id: str, number: int) -> ox.Store:
        """The archived content of a version in an in-memory store (default graph)."""
        store = ox.Store()
        data, rdf_format = self.catalog.archived_content(self.catalog.version(vocabulary_id(vocab_id), number))
        store.bulk_load(data, format=rdf_format)
        return store

    def export(self, vocab_id: str, rdf_format: ox.RdfFormat, number: int | None = None) -> bytes:
        if number is None:
            graph = vocabulary_graph(vocabulary_id(vocab_id))
            if not self.store.has_graph(graph):
                raise NotFoundError(f"no vocabulary {vocab_id!r}")
            return self.store.dump_graph(graph, rdf_format)
        return self.archived(vocab_id, number).dump(format=rdf_format, from_graph=ox.DefaultGraph())

    def diff(self, vocab_id: str, old: int | None = None, new: int | None = None) -> dict:
        """What changed from version ``old`` to ``new`` (default: the current version and the one before)."""
        versions = [v for v in self.versions(vocab_id) if v.archive]
        if not versions:
            raise NotFoundError(f"vocabulary {vocab_id} has no archived versions to compare")
        current = next((v.number for v in versions if v.status == "current"), versions[0].number)
        new = current if new is None else new
        if old is None:
            earlier = [v.number for v in versions if v.number < new]
            if not earlier:
                raise InputError(f"version {new} of {vocab_id} has no earlier version to compare with")
            old = max(earlier)
        dataset = self.archived(vocab_id, new)
        data, rdf_format = self.catalog.archived_content(self.catalog.version(vocab_id, old))
        dataset.bulk_load(data, format=rdf_format, to_graph=PREVIOUS_GRAPH)
        entail_concepts(dataset, self._concept_classes())
        return {"vocabulary": vocab_id, "from": old, "to": new, **diff_dataset(dataset)}

    def changes_since(self, vocab_id: str, since: str) -> dict:
        """The diff from the version current at ``since`` (a version number or an ISO date) to now."""
        versions = [v for v in self.versions(vocab_id) if v.archive]
        if since.isdigit():
            return self.diff(vocab_id, int(since))
        try:
            moment = datetime.fromisoformat(since)
        except ValueError as exc:
            raise InputError(f"since={since!r}: give a version number or an ISO date (2026-11-01)") from exc
        before = [v for v in versions if _aware(datetime.fromisoformat(v.time)) <= _aware(moment)]
        if not before:
            raise InputError(f"vocabulary {vocab_id} had no version on {since}")
        return self.diff(vocab_id, max(v.number for v in before))


def diff_dataset(dataset: ox.Store) -> dict:
    """Run the diff queries over old (named graph) and new (default graph) content."""
    out = {}
    for name in DIFF_QUERIES:
        result = query(dataset, query_text(f"curation/diff-{name}"))
        names = [v.value for v in result.variables]
        out[name] = [{n: row[n].value for n in names if row[n] is not None} for row in result]
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _summarise(candidate: Candidate) -> Summary:
    dataset = candidate.store
    row = next(iter(query(dataset, query_text("curation/summary-concepts"))))
    languages = {r["lang"].value or "(none)": {"prefLabels": int(r["prefLabels"].value), "labels": int(r["labels"].value)}
                 for r in query(dataset, query_text("curation/summary-languages"))}
    return Summary(candidate.triples, int(row["concepts"].value), int(row["added"].value), int(row["changedConcepts"].value),
                   int(row["removed"].value), languages)


def _replacement(dataset: ox.Store, graph: str) -> list[str]:
    """Update steps that turn the stored graph (the named graph ``previous`` of the dataset) into the
    candidate: triples with blank nodes replaced whole, the others removed and added one by one."""
    target = ox.NamedNode(graph)
    steps = [update_text("drop-blank-triples", graph=target)]
    for name, verb in (("delta-removed", "DELETE DATA"), ("delta-added", "INSERT DATA")):
        triples = [ox.Triple(r["s"], r["p"], r["o"]) for r in dataset.query(query_text(f"curation/{name}"))]
        if triples:
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            steps.append(f"{verb} {{ GRAPH {target} {{\n{data}}} }}")
    return steps


class _Background(threading.Thread):
    """Run a function in a thread; ``join`` returns its result or re-raises its exception."""

    def __init__(self, func: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self._func = func
        self._result: object = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._result = self._func()
        except BaseException as exc:  # noqa: BLE001 - handed to the joining thread
            self._error = exc

    def join(self, timeout: float | None = None, *, reraise: bool = True):  # type: ignore[override]
        super().join(timeout)
        if self._error is not None and reraise:
            raise self._error
        return self._result
