"""metadata.cbd.int's KMGBF REST API, same paths and shapes, over the official graph kmgraph holds.

A script written for ``https://metadata.cbd.int/api/kmgbf/`` works against a node's kmgraph by
changing the base URL. Lists take ``format=json|csv|xlsx``; every endpoint takes ``lang=en|fr|es|all``
and list endpoints ``include=definition``. Every answer allows any origin (CORS), as the official
API does.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from ..errors import InputError
from ..tables import TABLE_FORMATS, Row, table_format
from ..vocab.kmgbf import Kmgbf, languages, role_of

PREFIX = "/api/kmgbf"
router = APIRouter(prefix=PREFIX, tags=["kmgbf (metadata.cbd.int API)"])

LANG = Query("en", description="Language of labels and texts: en, fr, es, or all (each language in its own field)")
FORMAT = Query("json", description="json, csv or xlsx (list endpoints)")
INCLUDE = Query(None, description="`definition` adds the definition to each row (and searches it)")
ROLE = Query(None, description="headline, binary, component or complementary")
LIST_RESPONSES = {200: {"description": "A list", "content": {f.media_type.split(";")[0]: {} for f in TABLE_FORMATS.values()}},
                  400: {"description": "Unknown lang, format, include or role"}}
ONE_RESPONSES = {400: {"description": "Unknown lang, or format on a single record"},
                 404: {"description": "No such goal, target or indicator"}}


def _data(request: Request) -> Kmgbf:
    return request.app.state.services.kmgbf.get()


def _definition(include: str | None) -> bool:
    if include not in (None, "", "definition"):
        raise InputError(f"include={include!r}: the only value is definition")
    return include == "definition"


def _table(rows: list[Row], fmt: str, name: str) -> Response:
    chosen = table_format(fmt)
    headers = {} if chosen.name == "json" else {"Content-Disposition": f'attachment; filename="kmgbf-{name}.{chosen.extension}"'}
    return Response(chosen.write(rows, name), media_type=chosen.media_type, headers=headers)


def _one(record: dict, fmt: str) -> Response:
    if fmt != "json":
        raise InputError(f"format={fmt!r}: a single record is JSON; csv and xlsx are for list endpoints")
    return JSONResponse(record)


@router.get("/goals", summary="The four goals (code, IRI, label, title)", response_class=Response, responses=LIST_RESPONSES)
def goals(request: Request, lang: str = LANG, format: str = FORMAT, include: str | None = INCLUDE) -> Response:
    data, langs = _data(request), languages(lang)
    return _table([data.row(g, langs, _definition(include)) for g in data.goals], format, "goals")


@router.get("/goals/{code}", summary="One goal, with its indicators and their roles", responses=ONE_RESPONSES)
def goal(request: Request, code: str, lang: str = LANG, format: str = FORMAT) -> Response:
    data, langs = _data(request), languages(lang)
    return _one(data.record(data.goal(code), langs), format)


@router.get("/goals/{code}/indicators", summary="The indicators of a goal, each with its role for it",
            response_class=Response, responses={**LIST_RESPONSES, **ONE_RESPONSES})
def goal_indicators(request: Request, code: str, lang: str = LANG, format: str = FORMAT,
                    include: str | None = INCLUDE) -> Response:
    data, langs = _data(request), languages(lang)
    return _table(data.linked_indicators(data.goal(code), langs, _definition(include)), format, f"goal-{code}-indicators")


@router.get("/targets", summary="The 23 targets (number, IRI, label, short title)", response_class=Response,
            responses=LIST_RESPONSES)
def targets(request: Request, lang: str = LANG, format: str = FORMAT, include: str | None = INCLUDE) -> Response:
    data, langs = _data(request), languages(lang)
    return _table([data.row(t, langs, _definition(include)) for t in data.targets], format, "targets")


@router.get("/targets/{number}", summary="One target, with its indicators and their roles", responses=ONE_RESPONSES)
def target(request: Request, number: str, lang: str = LANG, format: str = FORMAT) -> Response:
    data, langs = _data(request), languages(lang)
    return _one(data.record(data.target(number), langs), format)


@router.get("/targets/{number}/indicators", summary="The indicators of a target, each with its role for it",
            response_class=Response, responses={**LIST_RESPONSES, **ONE_RESPONSES})
def target_indicators(request: Request, number: str, lang: str = LANG, format: str = FORMAT,
                      include: str | None = INCLUDE) -> Response:
    data, langs = _data(request), languages(lang)
    return _table(data.linked_indicators(data.target(number), langs, _definition(include)), format,
                  f"target-{number}-indicators")


@router.get("/indicators", summary="All 204 indicators, with the roles each plays; ?role= filters",
            response_class=Response, responses=LIST_RESPONSES)
def indicators(request: Request, lang: str = LANG, format: str = FORMAT, include: str | None = INCLUDE,
               role: str | None = ROLE) -> Response:
    data, langs = _data(request), languages(lang)
    return _table(data.indicator_rows(langs, role_of(role) if role else None, _definition(include)), format, "indicators")


@router.get("/indicators/roles", summary="One row per indicator x role x goal or target (HI, BI, CT, CY)",
            response_class=Response, responses=LIST_RESPONSES)
def indicator_roles(request: Request, lang: str = LANG, format: str = FORMAT, role: str | None = ROLE) -> Response:
    data, langs = _data(request), languages(lang)
    return _table(data.role_rows(langs, role_of(role) if role else None), format, "indicator-roles")


@router.get("/indicators/{code}", summary="One indicator: definition, custodian agencies, what it monitors and how",
            responses=ONE_RESPONSES)
def indicator(request: Request, code: str, lang: str = LANG, format: str = FORMAT) -> Response:
    data, langs = _data(request), languages(lang)
    return _one(data.record(data.indicator(code), langs), format)


@router.get("/search", summary="Goals, targets and indicators whose labels contain q (accent- and case-insensitive)",
            response_class=Response, responses=LIST_RESPONSES)
def search(request: Request, q: str = Query(..., min_length=1, max_length=200), lang: str = LANG,
           format: str = FORMAT, include: str | None = INCLUDE) -> Response:
    data, langs = _data(request), languages(lang)
    return _table(data.search(q, langs, _definition(include)), format, "search")


@router.get("/custodian-agencies", summary="Custodian agencies of headline indicators, each with its indicators")
def custodian_agencies(request: Request) -> dict:
    return _data(request).custodian_agencies()
