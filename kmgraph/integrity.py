"""``kmgraph check-store``: is the store whole after a crash, a restore or a hand edit?

Opening a store already repairs what a dead process can leave (staging graphs, unfinished vocabulary
loads, a stale retrieval index); this reports those repairs, reads every quad once (a fingerprint),
then runs the invariants in ``queries/integrity/`` (SPARQL with the same headers as the quality gate)
and checks that every accepted vocabulary version has its archive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .curation.gate import Finding, GateReport, load_checks
from .resources import QUERIES_DIR
from .services import Services

INTEGRITY_DIR = QUERIES_DIR / "integrity"


@dataclass
class StoreHealth:
    quads: int
    fingerprint: str
    repaired: list[str] = field(default_factory=list)
    report: GateReport = field(default_factory=GateReport)

    @property
    def ok(self) -> bool:
        return self.report.passed

    def to_dict(self) -> dict:
        return {"ok": self.ok, "quads": self.quads, "fingerprint": self.fingerprint, "repaired": self.repaired,
                "errors": self.report.errors, "warnings": self.report.warnings,
                "findings": [asdict(f) for f in self.report.findings]}


def check_store(services: Services) -> StoreHealth:
    store = services.store
    repaired = list(services.recovered)
    if services.records.ensure_index(full=True):
        repaired.append("retrieval index rebuilt from the store")
    quads, digest = store.fingerprint()
    findings = [f for query in load_checks(INTEGRITY_DIR) for f in query.run(store)]
    findings += _missing_archives(services)
    return StoreHealth(quads, digest, repaired, GateReport(findings))


def _missing_archives(services: Services) -> list[Finding]:
    catalog = services.curator.catalog
    return [Finding("missing-archive", "warning", "", f"vocabulary {vocab}: version {info.number} has no archive "
                                                        f"{info.archive} (it cannot be rolled back to)")
            for vocab in catalog.vocabularies()
            for info in catalog.versions(vocab)
            if info.archive and not (catalog.archive_dir / info.archive).is_file()]
