"""Rewrite the README's table of settings from ``kmgraph/config.py`` (``make settings-table``)."""

from __future__ import annotations

import re
from pathlib import Path

from kmgraph.config import markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"
TABLE = re.compile(r"(<!-- settings table:[^\n]*-->\n).*?(<!-- end of settings table -->)", re.DOTALL)


def main() -> None:
    text = README.read_text(encoding="utf-8")
    updated, count = TABLE.subn(lambda m: m.group(1) + markdown_table() + m.group(2), text)
    if count != 1:
        raise SystemExit("README.md has no settings table markers")
    README.write_text(updated, encoding="utf-8")


if __name__ == "__main__":
    main()
