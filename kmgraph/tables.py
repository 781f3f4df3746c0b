"""Tables (lists of flat rows) as JSON, CSV or Excel: the ``format`` registry of list endpoints.

A cell holding a list is written as its items joined by ``; `` in CSV and xlsx; JSON keeps lists.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook

from .errors import InputError

Row = dict[str, object]


def _columns(rows: list[Row]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _cell(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value


def to_json(rows: list[Row], name: str) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def to_csv(rows: list[Row], name: str) -> bytes:
    out = io.StringIO()
    columns = _columns(rows)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8-sig")  # the BOM tells spreadsheet programs the text is UTF-8


def to_xlsx(rows: list[Row], name: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(name[:31] or "data")
    columns = _columns(rows)
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(row.get(c)) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class TableFormat:
    name: str
    media_type: str
    write: Callable[[list[Row], str], bytes]
    extension: str


TABLE_FORMATS = {f.name: f for f in (
    TableFormat("json", "application/json", to_json, "json"),
    TableFormat("csv", "text/csv; charset=utf-8", to_csv, "csv"),
    TableFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx, "xlsx"),
)}


def table_format(name: str) -> TableFormat:
    """The format for a ``format`` parameter; InputError (400) naming the choices otherwise."""
    if name not in TABLE_FORMATS:
        raise InputError(f"format={name!r}: choose one of {', '.join(TABLE_FORMATS)}")
    return TABLE_FORMATS[name]
