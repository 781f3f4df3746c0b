"""``GET /audit``: the log of write attempts, for admins."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from ..access import Right
from .auth import require

router = APIRouter(tags=["system"])


class AuditEntry(BaseModel):
    id: int
    at: str
    actor: str
    role: str
    client: str
    action: str
    target: str
    status: int
    result: str


@router.get("/audit", response_model=list[AuditEntry], dependencies=[Depends(require(Right.AUDIT))],
            summary="Write attempts, newest first: who, role, what, when, result (admin token)")
def audit_log(request: Request,
              since: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:\d{2})?)?$",
                                        description="ISO date or date-time (UTC)"),
              actor: str | None = Query(None, max_length=64, description="token name"),
              result: str | None = Query(None, pattern="^(ok|denied|rejected|error)$"),
              limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)) -> list[dict]:
    return request.app.state.audit.entries(since=since, actor=actor, result=result, limit=limit, offset=offset)
