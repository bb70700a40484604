"""A dossier's change log: every correction, every assessment, every clause decision, every
confirm/send-back, and what else happened (re-intakes with their file changes, reversals and
why), in order. The store keeps all of them append-only; this only merges them into one
timeline.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from sqlalchemy import select

from core.models import Assessment
from core.store import AssessmentRow, Store


class LogEntry(BaseModel):
    at: dt.datetime  # naive UTC, as the store keeps it
    kind: Literal["correction", "assessment", "clause_decision", "decision", "event"]
    who: str = ""
    document: str | None = None  # file name (or short hash) a correction touched
    field: str = ""
    old: Any = None
    new: Any = None
    reason: str = ""
    total: Decimal | None = None
    assessment_kind: str = ""
    assessment_id: int | None = None
    rule_set_version: str = ""
    action: str = ""
    comment: str = ""


def change_log(store: Store, dossier_id: str) -> list[LogEntry]:
    names: dict[str, str] = {}
    latest = store.latest_claimset(dossier_id)
    if latest:
        names = {d.document: d.file_name for d in latest[1].documents}
    entries: list[LogEntry] = []
    for c in store.corrections(dossier_id):
        entries.append(
            LogEntry(
                at=c.at,
                kind="correction",
                who=c.reviewer,
                document=None if c.document is None else names.get(c.document, c.document[:12]),
                field=c.field,
                old=json.loads(c.old_json),
                new=json.loads(c.new_json),
                reason=c.reason,
            )
        )
    with store.session() as s:
        rows = s.scalars(select(AssessmentRow).where(AssessmentRow.dossier_id == dossier_id).order_by(AssessmentRow.id))
        for r in rows:
            # The row's time, not Assessment.created_at: that is the rules' as-of date.
            entries.append(
                LogEntry(
                    at=r.created_at,
                    kind="assessment",
                    total=Assessment.model_validate_json(r.assessment_json).total,
                    assessment_kind=r.kind,
                    assessment_id=r.id,
                    rule_set_version=r.rule_set_version,
                )
            )
    for cd in store.clause_decisions(dossier_id):
        entries.append(LogEntry(at=cd.at, kind="clause_decision", who=cd.reviewer, field=cd.clause_id, action=cd.decision,
                                new=None if cd.amount is None else str(cd.amount), reason=cd.reason,
                                assessment_id=cd.assessment_id))
    for d in store.decisions(dossier_id):
        entries.append(LogEntry(at=d.at, kind="decision", who=d.reviewer, action=d.action, comment=d.comment,
                                assessment_id=d.assessment_id))
    for e in store.events(dossier_id):
        entries.append(LogEntry(at=e.at, kind="event", action=e.kind, comment=e.message, new=json.loads(e.data_json)))
    order = {"correction": 0, "clause_decision": 1, "assessment": 2, "decision": 3, "event": 4}
    return sorted(entries, key=lambda e: (e.at, order[e.kind]))
