"""A SHACL Core engine, compiled once per shapes graph, that validates many small data graphs fast.

It implements the SHACL Core constraint components and property paths over ``TripleIndex``
graphs of pyoxigraph terms, with an optional background graph (the vocabularies) for value checks.
Shapes that use anything beyond SHACL Core (SHACL-SPARQL, SHACL-AF) raise ``Unsupported`` at
compile time; the caller then hands the whole validation to pySHACL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
import regex

from .graph import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, Term, TripleIndex, UnionView

SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


VIOLATION, WARNING, INFO = sh("Violation"), sh("Warning"), sh("Info")
RDFS_CLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#Class")

# Parameters the engine understands; any other sh: predicate on a shape means "not SHACL Core".
CORE_PARAMETERS = {
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn", "uniqueLang", "equals",
    "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "property",
    "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "closed",
    "ignoredProperties", "hasValue", "in", "path", "targetNode", "targetClass", "targetSubjectsOf",
    "targetObjectsOf", "severity", "message", "deactivated", "name", "description", "order", "group",
    "defaultValue", "declare", "prefixes",
}
NOT_CORE = {"sparql", "target", "rule", "expression", "condition", "values", "js", "jsFunctionName", "validator",
            "nodeValidator", "propertyValidator", "parameter", "select", "ask", "construct", "update"}


class Unsupported(Exception):
    """The shapes use a feature outside SHACL Core."""


class ShapesError(Exception):
    """The shapes graph is ill-formed (SHACL calls this a failure): the user gets the reason."""


@dataclass
class Result:
    focus: Term
    path: Path | None
    value: Term | None
    shape: Shape
    component: ox.NamedNode
    severity: ox.NamedNode

    @property
    def messages(self) -> list[ox.Literal]:
        return self.shape.messages


# --- property paths ------------------------------------------------------------------------------

@dataclass
class Path:
    kind: str  # pred, inv, seq, alt, zom, oom, zoo
    node: Term  # the path's node in the shapes graph (copied into reports)
    predicate: ox.NamedNode | None = None
    parts: list[Path] = field(default_factory=list)

    def values(self, view: UnionView, focus: Term) -> list[Term]:
        return list(dict.fromkeys(self._eval(view, [focus])))

    def _eval(self, view: UnionView, nodes: list[Term]) -> list[Term]:
        if self.kind == "pred":
            return [o for n in nodes for o in view.objects(n, self.predicate)]
        if self.kind == "inv":  # of a predicate only: compile_path pushes inverses down
            predicate = self.parts[0].predicate
            return [s for n in nodes for s in view.subjects(predicate, n)]
        if self.kind == "seq":
            current = nodes
            for part in self.parts:
                current = list(dict.fromkeys(part._eval(view, current)))
            return current
        if self.kind == "alt":
            return [v for part in self.parts for v in part._eval(view, nodes)]
        inner = self.parts[0]
        if self.kind == "zoo":
            return list(nodes) + inner._eval(view, nodes)
        seen: dict[Term, None] = dict.fromkeys(nodes) if self.kind == "zom" else {}
        frontier = list(nodes)
        while frontier:
            step = [v for v in inner._eval(view, frontier) if v not in seen]
            step = list(dict.fromkeys(step))
            seen.update(dict.fromkeys(step))
            frontier = step
        return list(seen)


def compile_path(g: TripleIndex, node: Term) -> Path:
    if isinstance(node, ox.NamedNode):
        return Path("pred", node, predicate=node)
    if g.value(node, RDF_FIRST) is not None:
        return Path("seq", node, parts=[compile_path(g, n) for n in g.items(node)])
    inverse = g.value(node, sh("inversePath"))
    if inverse is not None:
        return _inverted(compile_path(g, inverse), node)
    for kind, param in (("zom", "zeroOrMorePath"), ("oom", "oneOrMorePath"), ("zoo", "zeroOrOnePath")):
        inner = g.value(node, sh(param))
        if inner is not None:
            return Path(kind, node, parts=[compile_path(g, inner)])
    alt = g.value(node, sh("alternativePath"))
    if alt is not None:
        return Path("alt", node, parts=[compile_path(g, n) for n in g.items(alt)])
    raise Unsupported(f"unknown path {node}")


def _inverted(path: Path, node: Term) -> Path:
    """The inverse of ``path`` with inverses on predicates only: ^(a/b) is ^b/^a, ^(a|b) is ^a|^b,
    ^(a*) is (^a)*, ^^a is a. ``node`` stays the path's node for reports."""
    if path.kind == "pred":
        return Path("inv", node, parts=[path])
    if path.kind == "inv":
        return replace(path.parts[0], node=node)
    parts = reversed(path.parts) if path.kind == "seq" else path.parts
    return Path(path.kind, node, parts=[_inverted(p, p.node) for p in parts])



# --- literals ------------------------------------------------------------------------------------

_LEXICAL = {
    "integer": r"[+-]?\d+", "int": r"[+-]?\d+", "long": r"[+-]?\d+", "short": r"[+-]?\d+", "byte": r"[+-]?\d+",
    "nonNegativeInteger": r"\+?\d+|-0+", "positiveInteger": r"\+?0*[1-9]\d*", "negativeInteger": r"-0*[1-9]\d*",
    "nonPositiveInteger": r"-\d+|\+?0+", "unsignedInt": r"\+?\d+", "unsignedLong": r"\+?\d+",
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)", "double": r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|-INF|NaN",
    "float": r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|-INF|NaN", "boolean": r"true|false|1|0",
    "date": r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d\d:\d\d)?",
    "dateTime": r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d\d:\d\d)?",
    "gYear": r"-?\d{4,}(Z|[+-]\d\d:\d\d)?", "gYearMonth": r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d\d:\d\d)?",
    "time": r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", "anyURI": r"[^\s]*",
}
_LEXICAL_RE = {XSD + k: re.compile(f"(?:{v})") for k, v in _LEXICAL.items()}
_RANGES = {"byte": (-128, 127), "short": (-32768, 32767), "int": (-2**31, 2**31 - 1), "long": (-2**63, 2**63 - 1),
           "unsignedInt": (0, 2**32 - 1), "unsignedLong": (0, 2**64 - 1)}
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                             "unsignedInt", "unsignedLong")}


def well_formed(lit: ox.Literal) -> bool:
    dt = lit.datatype.value
    pattern = _LEXICAL_RE.get(dt)
    if pattern is None:
        return True
    if not pattern.fullmatch(lit.value):
        return False
    short = dt[len(XSD):]
    if short in _RANGES:
        lo, hi = _RANGES[short]
        return lo <= int(lit.value) <= hi
    return True


def _comparable(lit: ox.Literal) -> tuple[str, object] | None:
    dt = lit.datatype.value
    if not well_formed(lit):
        return None
    if dt in NUMERIC:
        try:
            return ("num", Decimal(lit.value.replace("INF", "Infinity")))
        except InvalidOperation:
            return None
    if dt in (XSD + "date", XSD + "dateTime"):
        return ("instant", _instant(lit.value, dt == XSD + "date"))
    if dt in (XSD + "gYear", XSD + "gYearMonth", XSD + "time"):
        return (dt, lit.value)
    if dt in (XSD + "string", RDF_LANGSTRING):
        return ("str", lit.value)
    return None


def _instant(text: str, date_only: bool) -> tuple[datetime, bool]:
    """An xsd:date/dateTime as a UTC-based naive datetime and whether it had a time zone."""
    m = re.fullmatch(r"(-?\d{4,})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d):(\d\d)(\.\d+)?)?(Z|[+-]\d\d:\d\d)?", text)
    if not m:
        raise ValueError(text)
    y, mo, d, h, mi, sec, frac, tz = m.groups()
    moment = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0),
                      int(float(frac) * 1e6) if frac else 0)
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        moment -= sign * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    return moment, tz is not None


def _order(a: object, b: object) -> int | None:
    if isinstance(a, tuple) and isinstance(b, tuple):  # instants: (utc datetime, has time zone)
        (ta, za), (tb, zb) = a, b
        if za == zb:
            return (ta > tb) - (ta < tb)
        # XSD partial order: a value without time zone may lie anywhere within +/-14 hours.
        shift = timedelta(hours=14)
        lo, hi = (ta - shift, ta + shift) if not za else (ta, ta)
        lo_b, hi_b = (tb - shift, tb + shift) if not zb else (tb, tb)
        if hi < lo_b:
            return -1
        if lo > hi_b:
            return 1
        return None
    return (a > b) - (a < b)  # type: ignore[operator]


def compare(a: Term, b: Term) -> int | None:
    """-1/0/1 for comparable literals, None otherwise."""
    if not (isinstance(a, ox.Literal) and isinstance(b, ox.Literal)):
        return None
    try:
        ka, kb = _comparable(a), _comparable(b)
    except ValueError:
        return None
    if ka is None or kb is None or ka[0] != kb[0]:
        return None
    return _order(ka[1], kb[1])


def lang_matches(tag: str, range_: str) -> bool:
    tag, range_ = tag.lower(), range_.lower()
    return range_ == "*" and bool(tag) or tag == range_ or tag.startswith(range_ + "-")


# --- shapes --------------------------------------------------------------------------------------

Check = Callable[["Validation", Term, list[Term], "Shape"], None]


class Shape:
    def __init__(self, node: Term) -> None:
        self.node = node
        self.path: Path | None = None
        self.severity = VIOLATION
        self.messages: list[ox.Literal] = []
        self.deactivated = False
        self.checks: list[Check] = []
        self.properties: list[Shape] = []
        self.annotations: dict[str, list[Term]] = {}


class ShapesGraph:
    """Compiles every shape of a shapes graph once; ``validate`` then runs on many data graphs."""

    def __init__(self, graph: TripleIndex) -> None:
        self.g = graph
        self.shapes: dict[Term, Shape] = {}
        self._check_core()
        for node in self._shape_nodes():
            self.shape(node)
        self.targeted = [s for s in self.shapes.values() if self._targets_of(s.node)]

    # compile ------------------------------------------------------------------------------------

    def _check_core(self) -> None:
        for s, by_p in self.g.spo.items():
            for p in by_p:
                if p.value.startswith(SH):
                    name = p.value[len(SH):]
                    if name in NOT_CORE:
                        raise Unsupported(f"sh:{name} is not SHACL Core")
            for t in self.g.objects(s, RDF_TYPE):
                if t.value.startswith(SH) and t.value[len(SH):] in ("SPARQLConstraint", "SPARQLTarget",
                                                                  "SPARQLRule", "ConstraintComponent"):
                    raise Unsupported(f"{t.value} is not SHACL Core")

    def _shape_nodes(self) -> list[Term]:
        nodes: dict[Term, None] = {}
        for cls in ("NodeShape", "PropertyShape"):
            nodes.update(dict.fromkeys(self.g.subjects(RDF_TYPE, sh(cls))))
        for p in ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf", "path"):
            nodes.update(dict.fromkeys(self.g.subjects_of(sh(p))))
        for p in ("node", "property", "qualifiedValueShape", "not"):
            nodes.update(dict.fromkeys(self.g.objects_of(sh(p))))
        for p in ("and", "or", "xone"):
            for head in self.g.objects_of(sh(p)):
                nodes.update(dict.fromkeys(self.g.items(head)))
        return list(nodes)

    def shape(self, node: Term) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        shape = Shape(node)
        self.shapes[node] = shape
        g = self.g
        path = g.value(node, sh("path"))
        if path is not None:
            shape.path = compile_path(g, path)
        shape.severity = g.value(node, sh("severity")) or VIOLATION  # type: ignore[assignment]
        shape.messages = [m for m in g.objects(node, sh("message")) if isinstance(m, ox.Literal)]
        shape.deactivated = any(isinstance(v, ox.Literal) and v.value == "true" for v in g.objects(node, sh("deactivated")))
        for p in g.predicates(node):
            if not p.value.startswith(SH):
                shape.annotations[p.value] = g.objects(node, p)
        for prop in g.objects(node, sh("property")):
            shape.properties.append(self.shape(prop))
        shape.checks = list(self._compile_checks(node, shape))
        return shape

    def _compile_checks(self, node: Term, shape: Shape) -> Iterable[Check]:
        g = self.g

        def one(name: str) -> Term | None:
            return g.value(node, sh(name))

        def ints(name: str) -> list[int]:
            return [int(v.value) for v in g.objects(node, sh(name))]

        for cls in g.objects(node, sh("class")):
            yield _class_check(cls)
        for dt in g.objects(node, sh("datatype")):
            yield _datatype_check(dt)
        for kind in g.objects(node, sh("nodeKind")):
            yield _node_kind_check(kind)
        if shape.path is not None:
            for n in ints("minCount"):
                yield _min_count(n)
            for n in ints("maxCount"):
                yield _max_count(n)
        for name, ok in (("minExclusive", lambda c: c > 0), ("minInclusive", lambda c: c >= 0),
                         ("maxExclusive", lambda c: c < 0), ("maxInclusive", lambda c: c <= 0)):
            for bound in g.objects(node, sh(name)):
                yield _range_check(name, bound, ok)
        for n in ints("minLength"):
            yield _length_check("minLength", lambda length, n=n: length >= n)
        for n in ints("maxLength"):
            yield _length_check("maxLength", lambda length, n=n: length <= n)
        flags = one("flags")
        for pattern in g.objects(node, sh("pattern")):
            yield _pattern_check(pattern.value, flags.value if flags is not None else "")
        for head in g.objects(node, sh("languageIn")):
            yield _language_in([v.value for v in g.items(head)])
        if shape.path is not None and any(v.value == "true" for v in g.objects(node, sh("uniqueLang"))):
            yield _unique_lang
        for name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
            for other in g.objects(node, sh(name)):
                if name in ("equals", "disjoint") or shape.path is not None:
                    yield _pair_check(name, other)
        for target in g.objects(node, sh("not")):
            yield _not_check(self.shape(target))
        for name in ("and", "or", "xone"):
            for head in g.objects(node, sh(name)):
                yield _logical_check(name, [self.shape(n) for n in g.items(head)])
        for target in g.objects(node, sh("node")):
            yield _node_check(self.shape(target))
        for qvs in g.objects(node, sh("qualifiedValueShape")):
            if shape.path is not None:
                disjoint = any(v.value == "true" for v in g.objects(node, sh("qualifiedValueShapesDisjoint")))
                yield _qualified_check(self, node, self.shape(qvs), ints("qualifiedMinCount"),
                                       ints("qualifiedMaxCount"), disjoint)
        if any(v.value == "true" for v in g.objects(node, sh("closed"))):
            ignored = {v for head in g.objects(node, sh("ignoredProperties")) for v in g.items(head)}
            yield _closed_check(self, node, ignored)
        for value in g.objects(node, sh("hasValue")):
            yield _has_value(value)
        for head in g.objects(node, sh("in")):
            yield _in_check(set(g.items(head)))

    # targets and validation -------------------------------------------------------------------

    def _targets_of(self, node: Term) -> list[tuple[str, Term]]:
        g = self.g
        targets = [(kind, v) for kind in ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf")
                   for v in g.objects(node, sh(kind))]
        if g.objects(node, RDF_TYPE) and RDFS_CLASS in g.objects(node, RDF_TYPE):
            targets.append(("targetClass", node))
        return targets

    def focus_nodes(self, shape: Shape, view: UnionView) -> list[Term]:
        found: dict[Term, None] = {}
        for kind, value in self._targets_of(shape.node):
            if kind == "targetNode":
                found[value] = None
            elif kind == "targetClass":
                found.update(dict.fromkeys(view.instances(value)))
            elif kind == "targetSubjectsOf":
                found.update(dict.fromkeys(view.data.subjects_of(value)))
            else:
                found.update(dict.fromkeys(view.data.objects_of(value)))
        return list(found)

    def validate(self, view: UnionView, *, focus_filter: Callable[[Term], bool] | None = None) -> list[Result]:
        run = Validation(self, view)
        for shape in self.targeted:
            if shape.deactivated:
                continue
            for focus in self.focus_nodes(shape, view):
                if focus_filter is None or focus_filter(focus):
                    run.validate_shape(shape, focus)
        return run.results


class Validation:
    """One run: collects results, caches class lookups and nested conformance checks."""

    def __init__(self, shapes: ShapesGraph, view: UnionView) -> None:
        self.shapes = shapes
        self.view = view
        self.results: list[Result] = []
        self.class_cache: dict = {}
        self._depth = 0

    def report(self, shape: Shape, focus: Term, value: Term | None, component: str) -> None:
        self.results.append(Result(focus, shape.path, value, shape, sh(component), shape.severity))

    def validate_shape(self, shape: Shape, focus: Term) -> None:
        if shape.deactivated:
            return
        values = shape.path.values(self.view, focus) if shape.path is not None else [focus]
        for check in shape.checks:
            check(self, focus, values, shape)
        for prop in shape.properties:
            for value_node in ([focus] if shape.path is None else values):
                self.validate_shape(prop, value_node)

    def conforms(self, shape: Shape, node: Term) -> bool:
        if self._depth > 64:
            raise Unsupported("recursive shapes")
        saved = self.results
        self.results = []
        self._depth += 1
        try:
            self.validate_shape(shape, node)
            return not self.results
        finally:
            self._depth -= 1
            self.results = saved


# --- constraint components -----------------------------------------------------------------------

def _class_check(cls: Term) -> Check:
    def check(run: Validation, focus: Term, values: list[Term], shape: Shape) -> None:
        for v in values:
            if isinstance(v, ox.Literal) or not run.view.is_instance(v, cls, run.class_cache):
                run.report(shape, focus, v, "ClassConstraintComponent")
    return check


def _datatype_check(dt: Term) -> Check:
    def check(run, focus, values, shape):
        for v in values:
            ok = isinstance(v, ox.Literal) and v.datatype == dt and (
                dt.value != RDF_LANGSTRING or bool(v.language)) and well_formed(v)
            if not ok:
                run.report(shape, focus, v, "DatatypeConstraintComponent")
    return check


_KINDS = {
    "IRI": (ox.NamedNode,), "BlankNode": (ox.BlankNode,), "Literal": (ox.Literal,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}


def _node_kind_check(kind: Term) -> Check:
    allowed = _KINDS.get(kind.value[len(SH):]) if kind.value.startswith(SH) else None
    if allowed is None:
        raise ShapesError(f"sh:nodeKind {kind} is not one of {', '.join('sh:' + k for k in _KINDS)}")

    def check(run, focus, values, shape):
        for v in values:
            if not isinstance(v, allowed):
                run.report(shape, focus, v, "NodeKindConstraintComponent")
    return check


def _min_count(n: int) -> Check:
    def check(run, focus, values, shape):
        if len(values) < n:
            run.report(shape, focus, None, "MinCountConstraintComponent")
    return check


def _max_count(n: int) -> Check:
    def check(run, focus, values, shape):
        if len(values) > n:
            run.report(shape, focus, None, "MaxCountConstraintComponent")
    return check


def _range_check(name: str, bound: Term, ok: Callable[[int], bool]) -> Check:
    component = name[0].upper() + name[1:] + "ConstraintComponent"

    def check(run, focus, values, shape):
        for v in values:
            c = compare(v, bound)
            if c is None or not ok(c):
                run.report(shape, focus, v, component)
    return check


def _length_check(name: str, ok: Callable[[int], bool]) -> Check:
    component = name[0].upper() + name[1:] + "ConstraintComponent"

    def check(run, focus, values, shape):
        for v in values:
            if isinstance(v, ox.BlankNode) or not ok(len(v.value)):
                run.report(shape, focus, v, component)
    return check


def _pattern_check(pattern: str, flags: str) -> Check:
    """sh:pattern is an XPath regular expression: the ``regex`` module reads its \\p{..} classes."""
    re_flags = 0
    for f, bit in (("i", regex.IGNORECASE), ("s", regex.DOTALL), ("m", regex.MULTILINE), ("x", regex.VERBOSE)):
        if f in flags:
            re_flags |= bit
    try:
        compiled = regex.compile(pattern, re_flags)
    except regex.error as exc:
        raise ShapesError(f"sh:pattern {pattern!r} is not a valid regular expression: {exc}") from exc

    def check(run, focus, values, shape):
        for v in values:
            if isinstance(v, ox.BlankNode) or not compiled.search(v.value):
                run.report(shape, focus, v, "PatternConstraintComponent")
    return check


def _language_in(ranges: list[str]) -> Check:
    def check(run, focus, values, shape):
        for v in values:
            lang = v.language if isinstance(v, ox.Literal) else None
            if not lang or not any(lang_matches(lang, r) for r in ranges):
                run.report(shape, focus, v, "LanguageInConstraintComponent")
    return check


def _unique_lang(run: Validation, focus: Term, values: list[Term], shape: Shape) -> None:
    counts: dict[str, int] = {}
    for v in values:
        if isinstance(v, ox.Literal) and v.language:
            counts[v.language.lower()] = counts.get(v.language.lower(), 0) + 1
    for n in counts.values():
        if n > 1:
            run.report(shape, focus, None, "UniqueLangConstraintComponent")


def _pair_check(name: str, other: Term) -> Check:
    component = name[0].upper() + name[1:] + "ConstraintComponent"

    def check(run, focus, values, shape):
        others = run.view.objects(focus, other)
        if name == "equals":
            for v in values:
                if v not in others:
                    run.report(shape, focus, v, component)
            for o in others:
                if o not in values:
                    run.report(shape, focus, o, component)
        elif name == "disjoint":
            for v in values:
                if v in others:
                    run.report(shape, focus, v, component)
        else:
            for v in values:
                for o in others:
                    c = compare(v, o)
                    if c is None or (c >= 0 if name == "lessThan" else c > 0):
                        run.report(shape, focus, v, component)
    return check


def _not_check(inner: Shape) -> Check:
    def check(run, focus, values, shape):
        for v in values:
            if run.conforms(inner, v):
                run.report(shape, focus, v, "NotConstraintComponent")
    return check


def _logical_check(name: str, members: list[Shape]) -> Check:
    component = {"and": "AndConstraintComponent", "or": "OrConstraintComponent",
                 "xone": "XoneConstraintComponent"}[name]

    def check(run, focus, values, shape):
        for v in values:
            passed = sum(1 for m in members if run.conforms(m, v))
            ok = passed == len(members) if name == "and" else passed >= 1 if name == "or" else passed == 1
            if not ok:
                run.report(shape, focus, v, component)
    return check


def _node_check(inner: Shape) -> Check:
    def check(run, focus, values, shape):
        for v in values:
            if not run.conforms(inner, v):
                run.report(shape, focus, v, "NodeConstraintComponent")
    return check


def _qualified_check(shapes: ShapesGraph, node: Term, inner: Shape, mins: list[int], maxs: list[int],
                     disjoint: bool) -> Check:
    siblings: list[Shape] = []
    if disjoint:
        for parent in shapes.g.subjects(sh("property"), node):
            for sibling in shapes.g.objects(parent, sh("property")):
                if sibling != node:
                    siblings.extend(shapes.shape(q) for q in shapes.g.objects(sibling, sh("qualifiedValueShape")))

    def check(run, focus, values, shape):
        count = sum(1 for v in values if run.conforms(inner, v)
                    and not any(run.conforms(s, v) for s in siblings))
        for n in mins:
            if count < n:
                run.report(shape, focus, None, "QualifiedMinCountConstraintComponent")
        for n in maxs:
            if count > n:
                run.report(shape, focus, None, "QualifiedMaxCountConstraintComponent")
    return check


def _closed_check(shapes: ShapesGraph, node: Term, ignored: set[Term]) -> Check:
    allowed = set(ignored)
    for prop in shapes.g.objects(node, sh("property")):
        path = shapes.g.value(prop, sh("path"))
        if isinstance(path, ox.NamedNode):
            allowed.add(path)

    def check(run, focus, values, shape):
        for v in values:
            for p in run.view.predicates(v):
                if p not in allowed:
                    for o in run.view.data.objects(v, p):
                        run.results.append(Result(v, Path("pred", p, predicate=p), o, shape,
                                                  sh("ClosedConstraintComponent"), shape.severity))
    return check


def _has_value(expected: Term) -> Check:
    def check(run, focus, values, shape):
        if expected not in values:
            run.report(shape, focus, None, "HasValueConstraintComponent")
    return check


def _in_check(allowed: set[Term]) -> Check:
    def check(run, focus, values, shape):
        for v in values:
            if v not in allowed:
                run.report(shape, focus, v, "InConstraintComponent")
    return check



def report_triples(results: list[Result], shapes: TripleIndex) -> list[ox.Triple]:
    """The results as a ``sh:ValidationReport`` graph; each result gets its own copy of its path."""
    report = ox.BlankNode()
    triples = [ox.Triple(report, RDF_TYPE, sh("ValidationReport")),
               ox.Triple(report, sh("conforms"), ox.Literal(str(not results).lower(),
                                                             datatype=ox.NamedNode(XSD + "boolean")))]
    for r in results:
        node = ox.BlankNode()
        triples += [ox.Triple(report, sh("result"), node), ox.Triple(node, RDF_TYPE, sh("ValidationResult")),
                    ox.Triple(node, sh("focusNode"), r.focus), ox.Triple(node, sh("resultSeverity"), r.severity),
                    ox.Triple(node, sh("sourceConstraintComponent"), r.component),
                    ox.Triple(node, sh("sourceShape"), r.shape.node)]
        if r.path is not None:
            path_node, path_triples = _path_rdf(r.path)
            triples.append(ox.Triple(node, sh("resultPath"), path_node))
            triples += path_triples
        if r.value is not None:
            triples.append(ox.Triple(node, sh("value"), r.value))
        triples += [ox.Triple(node, sh("resultMessage"), m) for m in r.messages]
    return triples


def _path_rdf(path: Path) -> tuple[Term, list[ox.Triple]]:
    """A fresh SHACL RDF rendering of a compiled path (well-formed whatever the shapes graph said)."""
    if path.kind == "pred":
        return path.predicate, []  # type: ignore[return-value]
    if path.kind == "other":  # read back from another processor's report: kept as given
        return path.node, []
    parts = [_path_rdf(p) for p in path.parts]
    triples = [t for _, ts in parts for t in ts]
    if path.kind in ("seq", "alt"):
        head = _rdf_list([n for n, _ in parts], triples)
        if path.kind == "seq":
            return head, triples
        node = ox.BlankNode()
        return node, triples + [ox.Triple(node, sh("alternativePath"), head)]
    name = {"inv": "inversePath", "zom": "zeroOrMorePath", "oom": "oneOrMorePath", "zoo": "zeroOrOnePath"}[path.kind]
    node = ox.BlankNode()
    return node, triples + [ox.Triple(node, sh(name), parts[0][0])]


def _rdf_list(items: list[Term], triples: list[ox.Triple]) -> Term:
    head: Term = RDF_NIL
    for item in reversed(items):
        cell = ox.BlankNode()
        triples += [ox.Triple(cell, RDF_FIRST, item), ox.Triple(cell, RDF_REST, head)]
        head = cell
    return head
