"""Roles and the rights each holds. A right is checked, never a role name, so roles can grow.

- anonymous readers query, search, validate and tag texts (no right needed);
- ``node``: submit records, and replace, delete and tag the records it submitted;
- ``curator``: the node's rights, plus loading vocabularies and tagging any record;
- ``admin``: every right (SPARQL Update, Graph Store writes, audit log, backups, any record).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Right(str, Enum):
    SUBMIT = "submit"  # create records; edit and tag one's own
    TAG_ANY = "tag-any"  # tag records submitted by others
    EDIT_ANY = "edit-any"  # replace or delete records submitted by others
    CURATE = "curate"  # load, roll back and map vocabularies
    WRITE = "write"  # SPARQL Update and Graph Store writes: the raw store
    AUDIT = "audit"  # read the audit log
    ADMIN = "admin"  # backups, reloading the bundled data


ROLES: dict[str, frozenset[Right]] = {
    "node": frozenset({Right.SUBMIT}),
    "curator": frozenset({Right.SUBMIT, Right.TAG_ANY, Right.CURATE}),
    "admin": frozenset(Right),
}


@dataclass(frozen=True)
class Actor:
    """Who makes a change, in which role and from where (kept as provenance and in the audit log)."""

    name: str
    role: str
    client: str = ""
    rights: frozenset[Right] = field(default=frozenset(), compare=False)

    @classmethod
    def of_role(cls, name: str, role: str, client: str = "") -> "Actor":
        return cls(name, role, client, ROLES.get(role, frozenset()))

    def can(self, right: Right) -> bool:
        return right in self.rights
