"""Where the generators read their sources from."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def default_sources() -> Path:
    """../shared when it is beside the checkout, else the copies vendored in vendor/sources."""
    shared = ROOT.parent / "shared"
    return shared if (shared / "data").is_dir() else ROOT / "vendor/sources"
