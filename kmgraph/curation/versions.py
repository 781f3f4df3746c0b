"""Vocabulary versions: their PROV-O records in the store and their content in an archive.

Each load makes a version ``https://w3id.org/kmgraph/vocabulary/{id}/version/{n}`` described in the
graph ``graph/system/vocabularies`` (who, when, from which files and their checksums, the gate's
outcome) and ``kmo:currentVersion`` points at the one whose content the vocabulary graph holds.
The content of every accepted version is archived (gzipped) beside the store, so that any two
versions can be compared and any version restored: a version read from one Turtle or N-Triples file
is that file, verbatim (cheaper than writing the parsed triples out again); any other is N-Triples.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from ..access import Actor
from ..errors import NotFoundError
from ..namespaces import BASE, GRAPH, VOCABULARY
from ..resources import QUERIES_DIR, query_text
from ..store import Store
from .sources import Candidate, SourceFile

CATALOG_GRAPH = str(GRAPH["system/vocabularies"])
KMO = BASE + "ontology#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
STATUSES = ("loading", "current", "superseded", "rejected", "failed")
# Archive name suffix -> format of its content.
ARCHIVE_FORMATS = {".nt.gz": ox.RdfFormat.N_TRIPLES, ".ttl.gz": ox.RdfFormat.TURTLE}


def vocabulary_node(vocab_id: str) -> ox.NamedNode:
    return ox.NamedNode(str(VOCABULARY[vocab_id]))


def version_node(vocab_id: str, number: int) -> ox.NamedNode:
    return ox.NamedNode(f"{VOCABULARY[vocab_id]}/version/{number}")


def update_text(name: str, **params: ox.NamedNode | str) -> str:
    """A bundled SPARQL Update from ``queries/curation/NAME.ru`` with its placeholder terms replaced
    by RDF terms serialised by pyoxigraph (``<urn:kmgraph:param:X>``) or a status keyword."""
    text = (QUERIES_DIR / "curation" / f"{name}.ru").read_text(encoding="utf-8")
    for key, value in params.items():
        if key == "status":
            if value not in STATUSES:
                raise ValueError(f"unknown version status {value!r}")
            text = text.replace('"STATUS"', f'"{value}"')
        else:
            text = text.replace(f"<urn:kmgraph:param:{key}>", str(value))
    return text


@dataclass
class VersionInfo:
    vocabulary: str
    number: int
    status: str
    time: str
    agent: str
    role: str
    files: str
    checksums: str
    triples: int | None
    concepts: int | None
    errors: int | None
    warnings: int | None
    forced: bool
    archive: str | None
    rollback_of: int | None
    comment: str | None

    @property
    def iri(self) -> str:
        return version_node(self.vocabulary, self.number).value


@dataclass
class NewVersion:
    """What a load knows about the version it makes, turned into PROV-O triples."""

    vocabulary: str
    number: int
    actor: Actor
    sources: list[SourceFile]
    status: str
    triples: int = 0
    concepts: int = 0
    errors: int = 0
    warnings: int = 0
    forced: bool = False
    archive: str | None = None
    rollback_of: int | None = None
    comment: str | None = None

    def triples_rdf(self) -> list[ox.Triple]:
        now = ox.Literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=XSD_DATETIME)
        version = version_node(self.vocabulary, self.number)
        vocab = vocabulary_node(self.vocabulary)
        activity = ox.NamedNode(f"{BASE}activity/{uuid.uuid4()}")
        agent = ox.NamedNode(f"{BASE}agent/{re.sub(r'[^A-Za-z0-9._-]', '_', self.actor.name)[:80]}")
        out = [
            ox.Triple(vocab, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(self.vocabulary)),
            ox.Triple(version, RDF_TYPE, ox.NamedNode(KMO + "VocabularyVersion")),
            ox.Triple(version, ox.NamedNode(KMO + "ofVocabulary"), vocab),
            ox.Triple(version, ox.NamedNode(KMO + "versionNumber"), _integer(self.number)),
            ox.Triple(version, ox.NamedNode(KMO + "versionStatus"), ox.Literal(self.status)),
            ox.Triple(version, ox.NamedNode(PROV + "generatedAtTime"), now),
            ox.Triple(version, ox.NamedNode(PROV + "wasGeneratedBy"), activity),
            ox.Triple(version, ox.NamedNode(KMO + "tripleCount"), _integer(self.triples)),
            ox.Triple(version, ox.NamedNode(KMO + "conceptCount"), _integer(self.concepts)),
            ox.Triple(version, ox.NamedNode(KMO + "errorCount"), _integer(self.errors)),
            ox.Triple(version, ox.NamedNode(KMO + "warningCount"), _integer(self.warnings)),
            ox.Triple(version, ox.NamedNode(KMO + "forced"), ox.Literal(self.forced)),
            ox.Triple(activity, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
            ox.Triple(activity, ox.NamedNode(PROV + "endedAtTime"), now),
            ox.Triple(activity, ox.NamedNode(PROV + "wasAssociatedWith"), agent),
            ox.Triple(agent, RDF_TYPE, ox.NamedNode(PROV + "Agent")),
            ox.Triple(agent, ox.NamedNode(RDFS + "label"), ox.Literal(self.actor.name)),
            ox.Triple(agent, ox.NamedNode(KMO + "role"), ox.Literal(self.actor.role)),
        ]
        if self.archive:
            out.append(ox.Triple(version, ox.NamedNode(KMO + "archive"), ox.Literal(self.archive)))
        if self.rollback_of is not None:
            out.append(ox.Triple(version, ox.NamedNode(KMO + "rollbackOf"),
                                 version_node(self.vocabulary, self.rollback_of)))
        if self.comment:
            out.append(ox.Triple(activity, ox.NamedNode(RDFS + "comment"), ox.Literal(self.comment)))
        for n, source in enumerate(self.sources, 1):
            # One entity per file per load: the same bytes loaded twice (a rollback to a version read
            # from one file archives that very file) may carry two names.
            file = ox.NamedNode(f"{activity.value}/used/{n}")
            out += [
                ox.Triple(activity, ox.NamedNode(PROV + "used"), file),
                ox.Triple(file, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
                ox.Triple(file, ox.NamedNode(DCTERMS + "title"), ox.Literal(source.name)),
                ox.Triple(file, ox.NamedNode(DCTERMS + "format"), ox.Literal(source.media_type)),
                ox.Triple(file, ox.NamedNode(DCTERMS + "extent"), _integer(source.size)),
                ox.Triple(file, ox.NamedNode(KMO + "sha256"), ox.Literal(source.sha256)),
            ]
        return out

    def insert_update(self) -> str:
        return _insert(self.triples_rdf())

    def placeholder_update(self) -> str:
        """A record of a load under way: statements about the version node only, so that deleting
        the node's statements leaves the catalog exactly as it was."""
        version = version_node(self.vocabulary, self.number)
        return _insert([t for t in self.triples_rdf() if t.subject == version])


def _insert(triples: list[ox.Triple]) -> str:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return f"INSERT DATA {{ GRAPH {ox.NamedNode(CATALOG_GRAPH)} {{\n{data}}} }}"


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=XSD_INTEGER)


class Catalog:
    """Reads version records from the store and keeps the archive of version contents."""

    def __init__(self, store: Store, archive_dir: Path | None) -> None:
        self.store = store
        if archive_dir is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="kmgraph-versions-")
            archive_dir = Path(self._temporary.name)
        self.archive_dir = archive_dir

    def versions(self, vocab_id: str) -> list[VersionInfo]:
        rows = self.store.query(query_text("curation/versions"), bindings={"vocab": vocabulary_node(vocab_id)},
                                union_default_graph=False)
        return [_version_info(vocab_id, row) for row in rows]

    def version(self, vocab_id: str, number: int) -> VersionInfo:
        for info in self.versions(vocab_id):
            if info.number == number:
                return info
        raise NotFoundError(f"vocabulary {vocab_id} has no version {number}")

    def current(self, vocab_id: str) -> VersionInfo | None:
        return next((v for v in self.versions(vocab_id) if v.status == "current"), None)

    def next_number(self, vocab_id: str) -> int:
        return max((v.number for v in self.versions(vocab_id)), default=0) + 1

    def vocabularies(self) -> dict[str, int | None]:
        """Every vocabulary with a version record and its current version number."""
        out: dict[str, int | None] = {}
        for row in self.store.query(query_text("curation/vocabularies"), union_default_graph=False):
            out[row["id"].value] = int(row["number"].value) if row["number"] is not None else None
        return out

    def archive(self, vocab_id: str, number: int, candidate: Candidate) -> str:
        """Write the content of a version (the candidate's default graph); return its archive name."""
        source = candidate.sources[0] if len(candidate.sources) == 1 else None
        if source is not None and source.rdf_format in ARCHIVE_FORMATS.values():
            name = self._write(vocab_id, number, source.rdf_format, lambda out: _copy(source, out))
            if name:
                return name

        def dump(out) -> bool:
            candidate.store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            return True

        return self._write(vocab_id, number, ox.RdfFormat.N_TRIPLES, dump)

    def _write(self, vocab_id: str, number: int, rdf_format: ox.RdfFormat, fill) -> str:
        """Write an archive through ``fill(gzip file)``; keep it only if that returns true."""
        suffix = next(s for s, f in ARCHIVE_FORMATS.items() if f == rdf_format)
        name = f"{vocab_id}/{number}{suffix}"
        path = self.archive_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with gzip.open(partial, "wb", compresslevel=1) as out:
            keep = fill(out)
        if not keep:
            partial.unlink()
            return ""
        partial.replace(path)
        return name

    def archived_content(self, info: VersionInfo) -> tuple[bytes, ox.RdfFormat]:
        """The archived content of a version and its format."""
        if not info.archive or not (self.archive_dir / info.archive).is_file():
            raise NotFoundError(f"the content of version {info.number} of {info.vocabulary} is not archived "
                                f"(only accepted versions are)")
        rdf_format = next(f for s, f in ARCHIVE_FORMATS.items() if info.archive.endswith(s))
        with gzip.open(self.archive_dir / info.archive, "rb") as handle:
            return handle.read(), rdf_format


def _copy(source: SourceFile, out) -> bool:
    """Copy the file a version was read from; False if it is no longer what was read (its checksum)."""
    digest = hashlib.sha256()
    if source.data is not None:
        digest.update(source.data)
        out.write(source.data)
    else:
        with open(source.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
    return digest.hexdigest() == source.sha256


def _version_info(vocab_id: str, row: ox.QuerySolution) -> VersionInfo:
    def text(name: str) -> str | None:
        return row[name].value if row[name] is not None else None

    def number(name: str) -> int | None:
        return int(row[name].value) if row[name] is not None else None

    return VersionInfo(vocab_id, int(row["number"].value), row["status"].value, row["time"].value,
                       row["agent"].value, row["role"].value, text("files") or "", text("checksums") or "",
                       number("triples"), number("concepts"), number("errors"), number("warnings"),
                       text("forced") == "true", text("archive"), number("rollbackOf"), text("comment"))
