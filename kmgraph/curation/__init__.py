"""Curating vocabularies: reading files, the quality gate, versions, diffs and mappings."""

from .curator import Curator, LoadResult
from .gate import GateReport, checks, run_gate
from .sources import SourceFile, source_for_path, source_for_upload, vocabulary_id

__all__ = ["Curator", "GateReport", "LoadResult", "SourceFile", "checks", "run_gate", "source_for_path",
           "source_for_upload", "vocabulary_id"]
