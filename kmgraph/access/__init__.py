"""Who may do what: roles and their rights, hashed bearer tokens, and the audit log of writes."""

from .audit import AuditLog, audited
from .roles import ROLES, Actor, Right
from .tokens import TokenRegistry

__all__ = ["ROLES", "Actor", "AuditLog", "Right", "TokenRegistry", "audited"]
