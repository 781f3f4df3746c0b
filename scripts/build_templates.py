"""Write ``examples/vocabularies/template.xlsx`` from ``template.csv`` (the same rows, sheet "concepts").

Run after editing the CSV template: ``python scripts/build_templates.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent.parent / "examples" / "vocabularies"


def main() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "concepts"
    with open(HERE / "template.csv", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(HERE / "template.xlsx")


if __name__ == "__main__":
    main()
