"""A small SPARQL lexer: enough structure to inspect and adjust a request without a full parser.

kmgraph never builds SPARQL from user text. It needs to *look at* user SPARQL (is there a SERVICE,
a LOAD, a top-level LIMIT?) and to add pieces it writes itself (a row cap, a VALUES block of bound
parameters). Both need to know what is a keyword and what sits inside a string, an IRI or a
comment, and at which brace depth; this lexer gives exactly that. The query engine still parses
and rejects malformed requests on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w\u00B7-\uFFFF.-]*)?:(?:[\w\u00B7-\uFFFF:%.\\-]*[\w\u00B7-\uFFFF:%\\-])?)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # comment, string, iri, var, pname, number, word, open, close, punct
    text: str
    start: int
    end: int
    depth: int  # brace depth at the token (an opening brace has the depth outside it)

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` without white space; comments are kept (they can hide keywords)."""
    tokens: list[Token] = []
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind == "ws":
            continue
        if kind == "close":
            depth = max(depth - 1, 0)
        tokens.append(Token(kind, m.group(), m.start(), m.end(), depth))
        if kind == "open":
            depth += 1
    return tokens


def code_tokens(text: str) -> list[Token]:
    """Tokens without comments; cached, since the same query text is inspected several times."""
    return list(_code_tokens(text))


@lru_cache(maxsize=1024)
def _code_tokens(text: str) -> tuple[Token, ...]:
    return tuple(t for t in tokenize(text) if t.kind != "comment")


def query_form(tokens: list[Token]) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first such keyword at depth 0."""
    for t in tokens:
        if t.depth == 0 and t.is_word("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            return t.text.upper()
    return None


def service_endpoints(tokens: list[Token]) -> list[str]:
    """Endpoints named by SERVICE clauses (``?var`` for a variable endpoint)."""
    found = []
    for i, t in enumerate(tokens):
        if t.is_word("SERVICE"):
            j = i + 1
            if j < len(tokens) and tokens[j].is_word("SILENT"):
                j += 1
            found.append(tokens[j].text if j < len(tokens) else "")
    return found


def without_fetches(text: str) -> str:
    """``text`` with LOAD and SERVICE turned into operations of the same grammar that fetch nothing.

    The engine can then tell whether a request that kmgraph refuses by policy is valid SPARQL at
    all, so that a malformed one gets a syntax error, as pyoxigraph alone would give, and never
    reaches the network. ``SERVICE [SILENT] x {...}`` parses as ``GRAPH x {...}``; ``LOAD [SILENT]
    iri [INTO GRAPH g]`` as ``CREATE [SILENT] GRAPH iri [; CREATE SILENT GRAPH g]`` (GraphRef only,
    as LOAD's INTO takes).
    """
    tokens = code_tokens(text)
    edits: list[tuple[int, int, str]] = []
    for i, t in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        silent = after is not None and after.is_word("SILENT")
        if t.is_word("SERVICE"):
            edits.append((t.start, after.end if silent else t.end, "GRAPH"))
        elif t.is_word("LOAD"):
            edits.append((t.start, t.end, "CREATE"))
            at = after.end if silent else t.end
            edits.append((at, at, " GRAPH"))
        elif t.is_word("INTO"):
            edits.append((t.start, t.end, "; CREATE SILENT"))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def has_dataset_clause(tokens: list[Token]) -> bool:
    """Whether the query names its own dataset (FROM / FROM NAMED)."""
    return any(t.depth == 0 and t.is_word("FROM") for t in tokens)


def has_word(tokens: list[Token], *words: str) -> bool:
    return any(t.is_word(*words) for t in tokens)


def cap_rows(text: str, cap: int) -> str:
    """Return ``text`` with a top-level ``LIMIT`` no larger than ``cap``.

    An existing top-level LIMIT larger than the cap is lowered; a missing one is added before the
    trailing VALUES clause (or at the end).
    """
    return _solution_modifier(text, "LIMIT", cap, keep=lambda existing: existing <= cap)


def with_offset(text: str, offset: int) -> str:
    """Return ``text`` with a top-level ``OFFSET`` of ``offset`` (replacing one it has)."""
    return _solution_modifier(text, "OFFSET", offset)


def _solution_modifier(text: str, word: str, value: int, *, keep: Callable[[int], bool] = lambda _: False) -> str:
    tokens = code_tokens(text)
    for i, t in enumerate(tokens):
        if t.depth == 0 and t.is_word(word) and i + 1 < len(tokens) and tokens[i + 1].kind == "number":
            n = tokens[i + 1]
            return text if keep(int(float(n.text))) else text[: n.start] + str(value) + text[n.end :]
    trailing_values = next((t for t in tokens if t.depth == 0 and t.is_word("VALUES")), None)
    if trailing_values is not None:
        return text[: trailing_values.start] + f"{word} {value}\n" + text[trailing_values.start :]
    return text.rstrip() + f"\n{word} {value}\n"


def where_group_start(text: str) -> int:
    """Offset just after the opening brace of the query's WHERE group."""
    tokens = code_tokens(text)
    form = query_form(tokens)
    opens = [t for t in tokens if t.kind == "open" and t.depth == 0]
    if not opens:
        raise ValueError("query has no group pattern")
    if form == "CONSTRUCT":
        # CONSTRUCT {template} WHERE {pattern}, or the short form CONSTRUCT WHERE {pattern}.
        construct = next(t for t in tokens if t.depth == 0 and t.is_word("CONSTRUCT"))
        after = tokens[tokens.index(construct) + 1]
        if not after.is_word("WHERE") and len(opens) > 1:
            return opens[1].end
    return opens[0].end


class DatasetConflictError(ValueError):
    """An update names its dataset (USING, WITH) and the protocol names one too."""


def with_using(text: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to an update request.

    Each DELETE/INSERT ... WHERE operation gets the matching USING clauses before its WHERE; an
    operation that already has USING or WITH is a conflict (SPARQL 1.1 Protocol, section 2.2.3).
    """
    if not default_graphs and not named_graphs:
        return text
    import pyoxigraph as ox  # serialises the IRIs: a graph name can never break out of its brackets

    clause = " ".join([f"USING {ox.NamedNode(g)}" for g in default_graphs]
                      + [f"USING NAMED {ox.NamedNode(g)}" for g in named_graphs]) + " "
    tokens = code_tokens(text)
    inserts: list[int] = []
    operation: list[Token] = []
    for token in tokens + [Token("punct", ";", len(text), len(text), 0)]:
        if token.depth == 0 and token.text == ";":
            _using_point(operation, inserts)
            operation = []
        else:
            operation.append(token)
    for at in sorted(inserts, reverse=True):
        text = text[:at] + clause + text[at:]
    return text


def _using_point(operation: list[Token], inserts: list[int]) -> None:
    top = [t for t in operation if t.depth == 0]
    words = [t.text.upper() for t in top if t.kind == "word"]
    if not any(w in ("INSERT", "DELETE") for w in words) or "DATA" in words:
        return
    first = next((i for i, t in enumerate(top) if t.is_word("INSERT", "DELETE", "WITH")), None)
    if first is not None and top[first].is_word("DELETE") and first + 1 < len(top) and top[first + 1].is_word("WHERE"):
        return  # DELETE WHERE has no USING form
    if "USING" in words or "WITH" in words:
        raise DatasetConflictError("the update has USING or WITH and the request also gives "
                                   "using-graph-uri / using-named-graph-uri")
    where = next((t for t in top if t.is_word("WHERE")), None)
    if where is not None:
        inserts.append(where.start)
