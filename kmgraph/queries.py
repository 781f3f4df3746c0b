"""Named, parameterised SPARQL queries from ``queries/*.rq``.

Each file starts with a YAML header in ``#+`` comment lines (the grlc convention)::

    #+ title: Knowledge objects tagged with a GBF target
    #+ description: ...
    #+ params:
    #+   - name: target
    #+     type: notation        # iri | notation | literal | language | integer
    #+     default: GBF-TARGET-02
    #+     description: ...

Parameter values are validated for their type, turned into RDF terms by pyoxigraph and bound with
a ``VALUES`` block at the start of the query's WHERE group: user text is never spliced into SPARQL.

A parameter may name an index and a variable (``index: concept-labels``, ``narrows: concept``), or
lists of both, in order of preference: with the first index the caller has that can narrow, the
IRIs it finds for the value are bound to its variable too, so the engine works on those candidates
only (one narrowing a parameter: two VALUES blocks can lead the engine to a worse plan than one).
Each index promises that the answer, or the page of it asked for, is the same with or without it:

- ``concept-labels``: concepts with a label or notation containing the text once folded, a superset
  of what a case-insensitive ``CONTAINS`` FILTER keeps;
- ``records-newest``: the newest records (``dcterms:date`` descending, then IRI) tagged with a
  concept that has the value as notation, or one below it that has a notation, not deleted, as
  many as the page needs (its offset, its rows and one more): the records of the first rows of a
  query ordered by ``DESC(?date) ?record``. Without a page, or for a page too deep to bind its
  records (more than ``NARROW_MAX``), it does not narrow;
- ``records-newest-in-country``: the same for the value as a country's notation (the records with
  a ``dcterms:spatial`` that has it) and the query's ``target`` parameter (any concept with a
  notation when it has none);
- ``concepts-below``: the concepts with the value as notation and those below them with a
  notation, the tags such a query can bind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from .errors import InputError, NotFoundError
from .resources import QUERIES_DIR
from .sparql.lexer import code_tokens, query_form, where_group_start

PARAM_TYPES = ("iri", "notation", "literal", "language", "integer")
TEXT_INDEXES = ("concept-labels", "records-newest", "records-newest-in-country", "concepts-below")  # kmgraph.vocab.concepts, kmgraph.records.service
NARROW_MAX = 1000  # IRIs an index binds at most (each about 50 bytes of query text)
# A value, the rows a page needs (None: every row) and every value the query binds -> the IRIs of
# its candidates (None: cannot narrow).
TextIndex = Callable[[str, "int | None", Mapping[str, str]], "list[str] | None"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_NOTATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str = ""
    default: str | None = None
    required: bool = False
    narrowing: tuple[tuple[str, str], ...] = ()  # (index, variable), preferred first: candidates bound to the variable

    def term(self, raw: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for a raw value, or InputError naming the parameter."""
        value = raw.strip()
        if self.type == "iri":
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$", value):
                raise InputError(f"parameter {self.name}: {raw!r} is not an absolute IRI")
            try:
                return ox.NamedNode(value)
            except ValueError as exc:
                raise InputError(f"parameter {self.name}: {raw!r} is not a valid IRI") from exc
        if self.type == "notation":
            if not _NOTATION.match(value):
                raise InputError(f"parameter {self.name}: {raw!r} is not a notation such as GBF-TARGET-02")
            return ox.Literal(value)
        if self.type == "language":
            if not _LANG.match(value):
                raise InputError(f"parameter {self.name}: {raw!r} is not a language tag such as fr or pt-BR")
            return ox.Literal(value.lower())
        if self.type == "integer":
            if not re.match(r"^[+-]?\d{1,18}$", value):
                raise InputError(f"parameter {self.name}: {raw!r} is not an integer")
            return ox.Literal(str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        if len(raw) > 1000:
            raise InputError(f"parameter {self.name}: longer than 1000 characters")
        return ox.Literal(raw)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    form: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def bind(self, values: dict[str, str], indexes: Mapping[str, TextIndex] | None = None,
             rows: int | None = None) -> str:
        """The query text with parameters bound as a VALUES block, and the candidates of the
        ``indexes`` the caller has as one more each (``rows``: how many rows the page asked for
        needs, offset included); InputError on bad values."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise InputError(f"query {self.name} has no parameter {', '.join(unknown)}; "
                             f"its parameters: {', '.join(known) or 'none'}")
        given = {p.name: str(raw) for p in self.params if (raw := values.get(p.name, p.default)) not in (None, "")}
        bound: list[tuple[str, ox.NamedNode | ox.Literal]] = []
        candidates: list[tuple[str, list[str]]] = []
        for p in self.params:
            if p.name not in given:
                if p.required:
                    raise InputError(f"query {self.name}: parameter {p.name} is required")
                continue
            raw = given[p.name]
            bound.append((p.name, p.term(raw)))
            for index, variable in p.narrowing:
                found = indexes[index](raw, rows, given) if indexes and index in indexes else None
                if found is not None:
                    candidates.append((variable, found))
                    break
        if not bound:
            return self.text
        block = (f"VALUES ({' '.join('?' + n for n, _ in bound)}) "
                 f"{{ ({' '.join(str(t) for _, t in bound)}) }}\n")
        for variable, iris in candidates:
            block += f"  VALUES ?{variable} {{ {' '.join(str(ox.NamedNode(i)) for i in iris)} }}\n"
        at = where_group_start(self.text)
        return self.text[:at] + "\n  " + block + self.text[at:]

    def describe(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description, "form": self.form,
                "params": [p.__dict__ for p in self.params], "example": self.bind({})}


def read_header(name: str, text: str) -> dict:
    """The YAML header of a query file (its ``#+`` comment lines)."""
    header = "\n".join(line[2:] for line in text.splitlines() if line.startswith("#+"))
    try:
        return yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"query {name}: header is not valid YAML: {exc}") from exc


def _narrowing(name: str, raw: dict) -> tuple[tuple[str, str], ...]:
    """A parameter's ``index`` and ``narrows``, each a name or a list of as many names."""
    index, narrows = raw.get("index"), raw.get("narrows")
    if index is None:
        return ()
    indexes, variables = ([x] if isinstance(x, str) else x for x in (index, narrows or []))
    if (not isinstance(indexes, list) or not isinstance(variables, list) or len(indexes) != len(variables)
            or any(i not in TEXT_INDEXES for i in indexes)
            or any(not _VARIABLE.match(str(v)) for v in variables)):
        raise InputError(f"query {name}: parameter {raw.get('name')}: index must be one of "
                         f"{', '.join(TEXT_INDEXES)} (or a list of them), with the variable each narrows")
    return tuple(zip(indexes, variables))


def parse_named_query(name: str, text: str) -> NamedQuery:
    meta = read_header(name, text)
    params = []
    for raw in meta.get("params") or []:
        if raw.get("type") not in PARAM_TYPES:
            raise InputError(f"query {name}: parameter {raw.get('name')} has unknown type {raw.get('type')!r}")
        default = raw.get("default")
        params.append(Param(raw["name"], raw["type"], raw.get("description", ""),
                            None if default is None else str(default), bool(raw.get("required", False)),
                            _narrowing(name, raw)))
    form = query_form(code_tokens(text))
    if form is None:
        raise InputError(f"query {name}: not a SPARQL query")
    return NamedQuery(name, meta.get("title", name), meta.get("description", ""), text, form, tuple(params))


class QueryCatalog:
    """The named queries of a folder, read once."""

    def __init__(self, directory: Path = QUERIES_DIR) -> None:
        self.queries: dict[str, NamedQuery] = {}
        for path in sorted(directory.glob("*.rq")):
            self.queries[path.stem] = parse_named_query(path.stem, path.read_text(encoding="utf-8"))

    def get(self, name: str) -> NamedQuery:
        if not _NAME.match(name) or name not in self.queries:
            raise NotFoundError(f"no named query {name!r}; GET /queries lists them")
        return self.queries[name]

    def __iter__(self):
        return iter(self.queries.values())
