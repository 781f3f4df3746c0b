"""Record validation: SHACL shapes compiled once, vocabularies as background, coded localized reports."""

from .records import RecordValidator, Report

__all__ = ["RecordValidator", "Report"]
