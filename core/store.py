"""The store: dossiers, files, read documents, claim sets, corrections, assessments, ledger.

SQLite under DOSSIER_HOME by default, PostgreSQL when DATABASE_URL says so. Pydantic
models are kept as JSON text so a record read back years later is exactly what was
written. Corrections, decisions and assessments are append-only: nothing is updated in
place that an auditor might want to see again.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.types import TypeDecorator
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from core import home
from core.corrections import replay
from core.decisions import AmountChange, apply_decisions, awards_for, differences, once_parts, undecided
from core.models import Assessment, Award, ClaimSet, ClauseDecision, ClauseResult, Document, Ledger, Manifest


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


FEN = Decimal("0.01")


class Money(TypeDecorator):
    """Yuan to the fen, exact on every backend (more places are rounded half up, as PostgreSQL's
    NUMERIC(16, 2) does). SQLite would keep a NUMERIC as a binary float and lose the fen past
    15 digits, so there it is kept as text."""

    impl = Numeric(16, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(Text() if dialect.name == "sqlite" else Numeric(16, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        amount = Decimal(str(value)).quantize(FEN, ROUND_HALF_UP)
        return str(amount) if dialect.name == "sqlite" else amount

    def process_result_value(self, value, dialect):
        # str() first: rows an earlier version wrote on SQLite come back as floats.
        return None if value is None else Decimal(str(value)).quantize(FEN, ROUND_HALF_UP)


class DossierRow(Base):
    __tablename__ = "dossiers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    manifest_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(32), default="received")
    credit_code: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)
    applicant_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)


class FileRow(Base):
    """A file as received in a dossier. The same content received twice is linked twice."""

    __tablename__ = "files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    original_name: Mapped[str] = mapped_column(Text)  # nested zips give long shown names
    media_type: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)  # a scan may pass 2 GiB
    status: Mapped[str] = mapped_column(String(32), default="ok")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    document_json: Mapped[str] = mapped_column(Text)
    read_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ClaimSetRow(Base):
    __tablename__ = "claimsets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    origin: Mapped[str] = mapped_column(String(32))  # extract | correction | audit
    claimset_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CorrectionRow(Base):
    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    document: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None = a dossier fact
    field: Mapped[str] = mapped_column(Text)
    old_json: Mapped[str] = mapped_column(Text)
    new_json: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # draft | recomputed | audit
    rule_set_version: Mapped[str] = mapped_column(String(100))
    claimset_id: Mapped[int | None] = mapped_column(ForeignKey("claimsets.id"), nullable=True)
    assessment_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DecisionRow(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # confirm | send_back
    reviewer: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="")
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AwardRow(Base):
    """The applicant ledger, append-only: `award` entries written by a confirmation and
    `reversal` entries cancelling them (send-back, re-confirmation, re-intake). No row is
    ever updated or deleted; what is granted is the awards no reversal names."""

    __tablename__ = "awards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credit_code: Mapped[str] = mapped_column(Text, index=True)
    clause_id: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    dossier_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    project: Mapped[str | None] = mapped_column(Text, nullable=True)
    policy: Mapped[str] = mapped_column(Text, default="穗埔府规〔2019〕9号")
    # Invoice keys the award counted (Award.invoices), so a later dossier cannot count them again.
    invoices_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Added with the append-only ledger; nullable so an older database gains them (rows it
    # wrote before read as awards, their entry id "row-<id>").
    project_evidence_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    standard_code: Mapped[str | None] = mapped_column(Text, nullable=True)
    once_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    entry_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reverses: Mapped[str | None] = mapped_column(String(40), nullable=True)
    assessment_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    rule_set_version: Mapped[str | None] = mapped_column(String(100), nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(Text, nullable=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ClauseDecisionRow(Base):
    """A reviewer's decision on a clause the rules left open (core.decisions); append-only."""

    __tablename__ = "clause_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    clause_id: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))  # grant | reject | not_applied
    amount: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(Text)
    assessment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EventRow(Base):
    """What happened to a dossier besides corrections and decisions: re-intakes (with the
    files added, removed or changed), reversals and why, corrections that could not be
    replayed. Shown in the change log."""

    __tablename__ = "dossier_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    data_json: Mapped[str] = mapped_column(Text, default="{}")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ApplicantLockRow(Base):
    """One row per applicant, locked (SELECT … FOR UPDATE) by a confirmation on PostgreSQL so
    two dossiers of one applicant are confirmed one after the other against the same ledger."""

    __tablename__ = "applicant_locks"
    credit_code: Mapped[str] = mapped_column(String(64), primary_key=True)


class InvoiceUseRow(Base):
    """Which invoices each dossier's working claim set uses: the index behind the
    "same invoice in two dossiers" check, so intake never re-reads every claim set."""

    __tablename__ = "invoice_uses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    key: Mapped[str] = mapped_column(String(80), index=True)  # "code:number" (code empty for 数电票)


class AuditRunRow(Base):
    __tablename__ = "audit_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    baseline_assessment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    new_assessment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    diff_json: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):  # WAL lets the UI read while a flow writes
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# Claim sets a reviewer works on; audit re-runs keep theirs beside these.
WORKING_ORIGINS = ("extract", "correction")


def _invoice_keys(claims: ClaimSet) -> set[str]:
    return {
        f"{doc.value('invoice_code') or ''}:{doc.value('invoice_number')}"
        for doc in claims.documents
        if doc.value("invoice_number")
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


SCHEMA_LOCK = ".store-schema.lock"


def set_up_schema(engine: Engine, tables: list | None = None) -> None:
    """What a new database lacks (tables, columns, the ledger's trigger), one process at a time:
    a review app, a `users` command and intakes started together on a new home would each
    create the same tables ("table dossiers already exists"). A file lock in DOSSIER_HOME
    covers the processes of one machine, an advisory lock those sharing a PostgreSQL server."""
    with home.locked(SCHEMA_LOCK), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
        Base.metadata.create_all(conn, tables=tables)
        _add_missing_columns(conn, tables or Base.metadata.sorted_tables)
        _ledger_append_only(conn)


def _add_missing_columns(conn, tables) -> None:
    """create_all never alters a table, so a database made by an earlier version gets the
    nullable columns added since (all additive) here, instead of failing on first read."""
    db = inspect(conn)
    for table in tables:
        have = {c["name"] for c in db.get_columns(table.name)}
        for col in table.columns:
            if col.name not in have and col.nullable:
                kind = col.type.compile(dialect=conn.dialect)
                conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{col.name}" {kind}'))


def _ledger_append_only(conn) -> None:
    """The database itself refuses to change or remove a ledger row (a reversal is a new
    row), so no code path, present or future, can rewrite what was paid."""
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.execute(text(
                f"CREATE TRIGGER IF NOT EXISTS awards_no_{op.lower()} BEFORE {op} ON awards "
                "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: add a reversal entry instead'); END"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(
            "CREATE OR REPLACE FUNCTION awards_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the ledger is append-only: add a reversal entry instead'; END $$"))
        conn.execute(text(
            "CREATE OR REPLACE TRIGGER awards_append_only BEFORE UPDATE OR DELETE ON awards "
            "FOR EACH ROW EXECUTE FUNCTION awards_append_only()"))


def _dossier_row(s: Session, dossier_id: str, lock: bool = False) -> DossierRow:
    # lock: SELECT ... FOR UPDATE, so two decisions on one dossier run one after the other
    # (PostgreSQL; SQLite has one writer at a time anyway).
    row = s.get(DossierRow, dossier_id, with_for_update=lock)
    if row is None:
        raise KeyError(f"no dossier {dossier_id!r} in the store")
    return row


def _latest_assessment_row(s: Session, dossier_id: str, kinds: tuple[str, ...]) -> AssessmentRow | None:
    return s.scalar(
        select(AssessmentRow)
        .where(AssessmentRow.dossier_id == dossier_id, AssessmentRow.kind.in_(kinds))
        .order_by(AssessmentRow.id.desc())
        .limit(1)
    )


class ConfirmRefused(ValueError):
    """A confirmation that cannot go through; nothing was written. The message says why."""


class Undecided(ConfirmRefused):
    def __init__(self, results: list[ClauseResult]):
        self.results = results
        names = "、".join(f"{r.clause_id}（{r.status.value}）" for r in results)
        super().__init__(f"尚有条款待审核决定：{names} — decide every clause waiting for judgement or evidence before confirming")


class AssessmentChanged(ConfirmRefused):
    """The amounts now differ from those the reviewer saw (the ledger or the claims moved)."""

    def __init__(self, changes: list[AmountChange], assessment: Assessment, seen_id: int | None):
        self.changes, self.assessment, self.seen_id = changes, assessment, seen_id
        said = "; ".join(c.said() for c in changes)
        super().__init__(f"金额已变化，请复核后再确认 — the amounts changed since assessment {seen_id} was shown: {said}")


class OnceOnlyClash(ConfirmRefused):
    pass


def _award_of(r: AwardRow) -> Award:
    return Award(
        credit_code=r.credit_code,
        clause_id=r.clause_id,
        year=r.year,
        amount=Decimal(r.amount),
        dossier_id=r.dossier_id,
        project=r.project,
        project_evidence=json.loads(r.project_evidence_json) if r.project_evidence_json else [],
        standard_code=r.standard_code,
        once_key=r.once_key,
        policy=r.policy,
        invoices=json.loads(r.invoices_json) if r.invoices_json else [],
        entry_id=r.entry_id or f"row-{r.id}",
        kind=r.kind or "award",
        reverses=r.reverses,
        assessment_id=r.assessment_id,
        rule_set_version=r.rule_set_version,
        confirmed_by=r.confirmed_by,
        confirmed_at=r.confirmed_at,
        reason=r.reason,
    )


def _award_row(a: Award) -> AwardRow:
    fields = a.model_dump(exclude={"invoices", "project_evidence"})
    fields["entry_id"] = a.entry_id or uuid.uuid4().hex
    return AwardRow(**fields, invoices_json=_dumps(a.invoices), project_evidence_json=_dumps(a.project_evidence))


def _ledger(s: Session, credit_code: str | None, exclude_dossier: str | None = None, through: int | None = None) -> Ledger:
    """The applicant's ledger; `through`: only the rows written up to that one (the ledger as
    an earlier assessment saw it)."""
    last = s.scalar(select(func.max(AwardRow.id))) or 0
    if through is not None:
        last = min(last, through)
    if not credit_code:
        return Ledger(through=last)
    q = select(AwardRow).where(AwardRow.credit_code == credit_code, AwardRow.id <= last)
    if exclude_dossier:
        q = q.where((AwardRow.dossier_id.is_(None)) | (AwardRow.dossier_id != exclude_dossier))
    return Ledger(awards=[_award_of(r) for r in s.scalars(q.order_by(AwardRow.id))], through=last)


def _granted_of(s: Session, dossier_id: str) -> list[Award]:
    rows = s.scalars(select(AwardRow).where(AwardRow.dossier_id == dossier_id).order_by(AwardRow.id))
    return Ledger(awards=[_award_of(r) for r in rows]).granted()


def _reverse(s: Session, dossier_id: str, reason: str, by: str) -> list[Award]:
    """Appends a reversal for every award of the dossier still granted; returns those awards."""
    granted = _granted_of(s, dossier_id)
    now = utcnow()
    for a in granted:
        s.add(_award_row(a.model_copy(update={
            "entry_id": None, "kind": "reversal", "reverses": a.entry_id, "reason": reason,
            "confirmed_by": by, "confirmed_at": now,
        })))
    return granted


def _working_claims(s: Session, dossier_id: str, origins: tuple[str, ...] = WORKING_ORIGINS) -> tuple[int, ClaimSet] | None:
    row = s.scalar(
        select(ClaimSetRow)
        .where(ClaimSetRow.dossier_id == dossier_id, ClaimSetRow.origin.in_(origins))
        .order_by(ClaimSetRow.id.desc())
        .limit(1)
    )
    return (row.id, ClaimSet.model_validate_json(row.claimset_json)) if row else None


def _decision_of(r: ClauseDecisionRow) -> ClauseDecision:
    return ClauseDecision(id=r.id, clause_id=r.clause_id, decision=r.decision, amount=r.amount, reason=r.reason,
                          reviewer=r.reviewer, assessment_id=r.assessment_id, at=r.at)


def _clause_decisions(s: Session, dossier_id: str) -> list[ClauseDecision]:
    rows = s.scalars(select(ClauseDecisionRow).where(ClauseDecisionRow.dossier_id == dossier_id).order_by(ClauseDecisionRow.id))
    return [_decision_of(r) for r in rows]


def _event(s: Session, dossier_id: str, kind: str, message: str, data: Any = None) -> None:
    s.add(EventRow(dossier_id=dossier_id, kind=kind, message=message, data_json=_dumps(data or {})))


class Store:
    def __init__(self, url: str | None = None):
        self.url = url or home.database_url()
        self.engine = _engine(self.url)
        set_up_schema(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._session()

    # ------------------------------------------------------------------ dossiers

    def upsert_dossier(self, dossier_id: str, name: str, source: str = "", manifest: Manifest | None = None) -> None:
        with self.session() as s, s.begin():
            row = s.get(DossierRow, dossier_id)
            if row is None:
                row = DossierRow(id=dossier_id, name=name, source=source, received_at=utcnow())
                s.add(row)
            row.manifest_json = manifest.model_dump_json() if manifest else row.manifest_json
            if manifest:
                row.credit_code = manifest.credit_code or row.credit_code
                row.applicant_name = manifest.applicant_name or row.applicant_name
                row.year = manifest.year or row.year

    def dossier_from(self, name: str, source: str) -> DossierRow | None:
        """The dossier an earlier intake made of the same folder (name and path), whatever its
        files were then: a re-intake continues it instead of starting another."""
        if not source:
            return None
        with self.session() as s:
            return s.scalar(select(DossierRow).where(DossierRow.name == name, DossierRow.source == source)
                            .order_by(DossierRow.received_at.desc()).limit(1))

    def dossier(self, dossier_id: str) -> DossierRow | None:
        with self.session() as s:
            return s.get(DossierRow, dossier_id)

    def dossiers(self) -> list[DossierRow]:
        with self.session() as s:
            return list(s.scalars(select(DossierRow).order_by(DossierRow.received_at.desc())))

    def manifest(self, dossier_id: str) -> Manifest | None:
        row = self.dossier(dossier_id)
        return Manifest.model_validate_json(row.manifest_json) if row and row.manifest_json else None

    def set_status(self, dossier_id: str, status: str, **fields: Any) -> None:
        with self.session() as s, s.begin():
            row = _dossier_row(s, dossier_id)
            row.status = status
            for k, v in fields.items():
                setattr(row, k, v)

    # ------------------------------------------------------------------ files and documents

    def link_file(
        self,
        dossier_id: str,
        original_name: str,
        sha256: str | None,
        media_type: str = "",
        size: int = 0,
        status: str = "ok",
        error: str | None = None,
    ) -> None:
        with self.session() as s, s.begin():
            existing = s.scalar(
                select(FileRow).where(
                    FileRow.dossier_id == dossier_id,
                    FileRow.original_name == original_name,
                    FileRow.sha256 == sha256,
                )
            )
            if existing is None:
                s.add(
                    FileRow(
                        dossier_id=dossier_id,
                        sha256=sha256,
                        original_name=original_name,
                        media_type=media_type,
                        size=size,
                        status=status,
                        error=error,
                    )
                )
            else:
                existing.status, existing.error, existing.media_type = status, error, media_type or existing.media_type

    def files(self, dossier_id: str) -> list[FileRow]:
        with self.session() as s:
            return list(s.scalars(select(FileRow).where(FileRow.dossier_id == dossier_id).order_by(FileRow.id)))

    def save_document(self, dossier_id: str, document: Document) -> None:
        with self.session() as s, s.begin():
            row = s.scalar(
                select(DocumentRow).where(DocumentRow.dossier_id == dossier_id, DocumentRow.sha256 == document.sha256)
            )
            if row is None:
                s.add(DocumentRow(dossier_id=dossier_id, sha256=document.sha256, document_json=document.model_dump_json()))
            else:
                row.document_json, row.read_at = document.model_dump_json(), utcnow()

    def documents(self, dossier_id: str) -> list[Document]:
        with self.session() as s:
            rows = s.scalars(select(DocumentRow).where(DocumentRow.dossier_id == dossier_id).order_by(DocumentRow.id))
            return [Document.model_validate_json(r.document_json) for r in rows]

    def document(self, dossier_id: str, sha256: str) -> Document | None:
        with self.session() as s:
            row = s.scalar(
                select(DocumentRow).where(DocumentRow.dossier_id == dossier_id, DocumentRow.sha256 == sha256)
            )
            return Document.model_validate_json(row.document_json) if row else None

    # ------------------------------------------------------------------ claims and corrections

    def save_claimset(self, claims: ClaimSet, origin: str) -> int:
        with self.session() as s, s.begin():
            row = ClaimSetRow(dossier_id=claims.dossier_id, origin=origin, claimset_json=claims.model_dump_json())
            s.add(row)
            if origin in WORKING_ORIGINS:
                s.execute(delete(InvoiceUseRow).where(InvoiceUseRow.dossier_id == claims.dossier_id))
                s.add_all(InvoiceUseRow(dossier_id=claims.dossier_id, key=k) for k in sorted(_invoice_keys(claims)))
            s.flush()
            return row.id

    def latest_claimset(
        self, dossier_id: str, origins: tuple[str, ...] = WORKING_ORIGINS
    ) -> tuple[int, ClaimSet] | None:
        """The working claim set a reviewer sees. Audit re-runs keep theirs beside it
        (origin "audit") without disturbing the review."""
        with self.session() as s:
            return _working_claims(s, dossier_id, origins)

    def extracted_claimset(self, dossier_id: str) -> ClaimSet | None:
        """The claim set as the machine first read it, before any correction."""
        with self.session() as s:
            row = s.scalar(
                select(ClaimSetRow)
                .where(ClaimSetRow.dossier_id == dossier_id, ClaimSetRow.origin == "extract")
                .order_by(ClaimSetRow.id.desc())
                .limit(1)
            )
            return ClaimSet.model_validate_json(row.claimset_json) if row else None

    def add_correction(
        self,
        dossier_id: str,
        document: str | None,
        field: str,
        old: Any,
        new: Any,
        reviewer: str,
        reason: str = "",
    ) -> int:
        with self.session() as s, s.begin():
            row = CorrectionRow(
                dossier_id=dossier_id,
                document=document,
                field=field,
                old_json=_dumps(old),
                new_json=_dumps(new),
                reviewer=reviewer,
                reason=reason,
            )
            s.add(row)
            s.flush()
            return row.id

    def rebuild_claims(
        self, dossier_id: str, refine: Callable[[ClaimSet], ClaimSet] | None = None
    ) -> tuple[int, ClaimSet, list[str]]:
        """The working claim set made again from the latest extraction and the whole change
        log, under the dossier's lock, so a correction posted while a re-intake saves its
        extraction is never lost from the claims (both build from the same log). `refine`
        re-runs the cross-checks. Returns (claim set id, claims, corrections not replayed)."""
        with self.locked(dossier_id) as s:
            row = s.scalar(select(ClaimSetRow).where(ClaimSetRow.dossier_id == dossier_id, ClaimSetRow.origin == "extract")
                           .order_by(ClaimSetRow.id.desc()).limit(1))
            if row is None:
                raise KeyError(f"dossier {dossier_id!r} has no extracted claims")
            log = list(s.scalars(select(CorrectionRow).where(CorrectionRow.dossier_id == dossier_id).order_by(CorrectionRow.id)))
            if not log:  # the extraction is the working claim set; its checks ran when it was read
                return row.id, ClaimSet.model_validate_json(row.claimset_json), []
            claims, failed = replay(ClaimSet.model_validate_json(row.claimset_json),
                                    [(c.id, c.document, c.field, json.loads(c.new_json), c.reviewer) for c in log], copy=False)
            if refine is not None:
                claims = refine(claims)
            new = ClaimSetRow(dossier_id=dossier_id, origin="correction", claimset_json=claims.model_dump_json())
            s.add(new)
            s.execute(delete(InvoiceUseRow).where(InvoiceUseRow.dossier_id == dossier_id))
            s.add_all(InvoiceUseRow(dossier_id=dossier_id, key=k) for k in sorted(_invoice_keys(claims)))
            if failed:
                _event(s, dossier_id, "replay", "部分更正无法重放 / corrections that could not be replayed: " + "; ".join(failed),
                       {"failed": failed})
            s.flush()
            return new.id, claims, failed

    def corrections(self, dossier_id: str) -> list[CorrectionRow]:
        with self.session() as s:
            return list(
                s.scalars(select(CorrectionRow).where(CorrectionRow.dossier_id == dossier_id).order_by(CorrectionRow.id))
            )

    # ------------------------------------------------------------------ assessments and decisions

    def save_assessment(self, assessment: Assessment, kind: str, claimset_id: int | None = None) -> int:
        with self.session() as s, s.begin():
            row = AssessmentRow(
                dossier_id=assessment.dossier_id,
                kind=kind,
                rule_set_version=assessment.rule_set_version,
                claimset_id=claimset_id,
                assessment_json=assessment.model_dump_json(),
            )
            s.add(row)
            s.flush()
            return row.id

    def assessments(self, dossier_id: str) -> list[tuple[int, str, Assessment]]:
        with self.session() as s:
            rows = s.scalars(
                select(AssessmentRow).where(AssessmentRow.dossier_id == dossier_id).order_by(AssessmentRow.id)
            )
            return [(r.id, r.kind, Assessment.model_validate_json(r.assessment_json)) for r in rows]

    def latest_assessment(self, dossier_id: str, kinds: tuple[str, ...] = ("draft", "recomputed")) -> tuple[int, Assessment] | None:
        with self.session() as s:
            row = _latest_assessment_row(s, dossier_id, kinds)
            return (row.id, Assessment.model_validate_json(row.assessment_json)) if row else None

    # ------------------------------------------------------------------ locks

    @contextmanager
    def locked(self, dossier_id: str, credit_code: str | None = None) -> Iterator[Session]:
        """A transaction holding the dossier (and the applicant's ledger, when a credit code is
        given) until it ends: on SQLite BEGIN IMMEDIATE takes the one write lock before
        anything is read; on PostgreSQL the applicant's lock row and the dossier row are
        selected FOR UPDATE. What is read inside is what the transaction writes against."""
        with self.session() as s:
            try:
                if self.engine.dialect.name == "sqlite":
                    s.connection().exec_driver_sql("BEGIN IMMEDIATE")
                elif credit_code:
                    from sqlalchemy.dialects.postgresql import insert as pg_insert

                    s.execute(pg_insert(ApplicantLockRow).values(credit_code=credit_code).on_conflict_do_nothing())
                    s.get(ApplicantLockRow, credit_code, with_for_update=True)
                _dossier_row(s, dossier_id, lock=True)
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def credit_code_of(self, dossier_id: str, claims: ClaimSet | None = None) -> str | None:
        """The applicant whose ledger the dossier is assessed against: the claim set's credit
        code (the given one, else the latest stored), else the dossier's own."""
        row = self.dossier(dossier_id)
        if row is None:
            raise KeyError(f"no dossier {dossier_id!r} in the store")
        if claims is None:
            latest = self.latest_claimset(dossier_id)
            claims = latest[1] if latest else None
        return (claims.applicant.credit_code if claims else None) or row.credit_code

    # ------------------------------------------------------------------ decisions

    def decide_clause(self, dossier_id: str, decision: ClauseDecision) -> int:
        """Logs a reviewer's decision on one clause; it takes effect in the next assessment."""
        if not decision.reason.strip():
            raise ValueError("a clause decision needs its reason")
        if decision.decision == "grant" and (decision.amount is None or decision.amount < 0):
            raise ValueError("a grant needs an amount of 0 or more")
        with self.session() as s, s.begin():
            _dossier_row(s, dossier_id)
            row = ClauseDecisionRow(dossier_id=dossier_id, clause_id=decision.clause_id, decision=decision.decision,
                                    amount=decision.amount, reason=decision.reason.strip(), reviewer=decision.reviewer,
                                    assessment_id=decision.assessment_id)
            s.add(row)
            s.flush()
            return row.id

    def clause_decisions(self, dossier_id: str) -> list[ClauseDecision]:
        with self.session() as s:
            return _clause_decisions(s, dossier_id)

    def confirm(
        self,
        dossier_id: str,
        reviewer: str,
        comment: str = "",
        *,
        reassess: Callable[[ClaimSet, Ledger], Assessment],
        seen_assessment_id: int | None = None,
    ) -> int:
        """Confirm as one transaction: under the applicant's lock, re-assess the working claims
        against the ledger as it is now (`reassess`: the rules), apply the clause decisions,
        and refuse when a clause is still open, when the amounts differ from the assessment
        the reviewer saw (`seen_assessment_id`, else the latest), or when a once-only award
        was already granted. Otherwise reverse this dossier's earlier awards and write the new
        ones, each pointing at the confirmed assessment. Returns the decision id."""
        code = self.credit_code_of(dossier_id)
        if not code:  # an award nobody can cap or find again: the applicant must be known first
            raise ConfirmRefused("申请人统一社会信用代码未知，无法确认 — the applicant's credit code is unknown; "
                                 "correct it (a licence, or the manifest) before confirming")
        with self.locked(dossier_id, code) as s:
            dossier = _dossier_row(s, dossier_id)
            working = _working_claims(s, dossier_id)
            if working is None:
                raise ConfirmRefused("案卷尚未提取，无法确认 — this dossier has no claims to confirm")
            claims = working[1]
            seen_row = (s.get(AssessmentRow, seen_assessment_id) if seen_assessment_id is not None
                        else _latest_assessment_row(s, dossier_id, ("draft", "recomputed")))
            if seen_row is None or seen_row.dossier_id != dossier_id:
                raise ConfirmRefused(f"没有评估 {seen_assessment_id} — no such assessment of this dossier")
            seen = Assessment.model_validate_json(seen_row.assessment_json)
            now = apply_decisions(reassess(claims, _ledger(s, code, exclude_dossier=dossier_id)), _clause_decisions(s, dossier_id))
            open_results = undecided(now)
            if open_results:
                raise Undecided(open_results)
            changes = differences(seen, now)
            if changes:
                raise AssessmentChanged(changes, now, seen_row.id)
            at = utcnow()
            awards = awards_for(now, claims, credit_code=code, assessment_id=seen_row.id, confirmed_by=reviewer, confirmed_at=at)
            self._check_once_only(s, code, dossier_id, awards)
            reversed_ = _reverse(s, dossier_id, f"重新确认 / re-confirmation by {reviewer}", reviewer)
            for a in awards:
                s.add(_award_row(a))
            row = DecisionRow(dossier_id=dossier_id, action="confirm", reviewer=reviewer, comment=comment,
                              assessment_id=seen_row.id, at=at)
            s.add(row)
            dossier.status = "confirmed"
            if reversed_:
                _event(s, dossier_id, "reversal", f"重新确认，冲销此前 {len(reversed_)} 笔奖励 / re-confirmed: {len(reversed_)} earlier awards reversed",
                       {"reversed": [a.entry_id for a in reversed_]})
            s.flush()
            return row.id

    @staticmethod
    def _check_once_only(s: Session, code: str | None, dossier_id: str, awards: list[Award]) -> None:
        paid = {}
        for a in _ledger(s, code, exclude_dossier=dossier_id).granted():
            for part in once_parts(a.once_key) if a.once_key else ():
                paid[part] = a
        for a in awards:
            for part in once_parts(a.once_key) if a.once_key else ():
                if part in paid:
                    was = paid[part]
                    raise OnceOnlyClash(
                        f"{a.clause_id}：一次性奖励（{part}）已于 {was.year} 年在案卷 {was.dossier_id} 发放 {was.amount:,.2f} 元，"
                        f"不得重复 — a once-only award ({part}) was already granted in dossier {was.dossier_id}; "
                        f"reject the clause (a clause decision) to confirm the rest")

    def send_back(self, dossier_id: str, reviewer: str, comment: str) -> int:
        """Back to the applicant: any award this dossier holds is reversed."""
        code = self.credit_code_of(dossier_id)
        with self.locked(dossier_id, code) as s:
            dossier = _dossier_row(s, dossier_id)
            latest = _latest_assessment_row(s, dossier_id, ("draft", "recomputed"))
            row = DecisionRow(dossier_id=dossier_id, action="send_back", reviewer=reviewer, comment=comment,
                              assessment_id=latest.id if latest else None)
            s.add(row)
            reversed_ = _reverse(s, dossier_id, f"退回 / sent back: {comment}", reviewer)
            if reversed_:
                _event(s, dossier_id, "reversal", f"退回，冲销 {len(reversed_)} 笔奖励 / sent back: {len(reversed_)} awards reversed",
                       {"reversed": [a.entry_id for a in reversed_]})
            dossier.status = "sent_back"
            s.flush()
            return row.id

    def reopen(self, dossier_id: str, reason: str, by: str, data: Any = None) -> list[Award]:
        """A confirmed dossier whose amounts changed goes back to review: its awards are
        reversed and the log says why. Returns the reversed awards."""
        code = self.credit_code_of(dossier_id)
        with self.locked(dossier_id, code) as s:
            dossier = _dossier_row(s, dossier_id)
            reversed_ = _reverse(s, dossier_id, reason, by)
            dossier.status = "in_review"
            _event(s, dossier_id, "reopened", reason, {**(data or {}), "reversed": [a.entry_id for a in reversed_]})
            return reversed_

    def reopen_if_changed(self, dossier_id: str, assessment: Assessment, what: str) -> list[AmountChange]:
        """A confirmed dossier stays confirmed while its amounts stay what was confirmed; when
        they change it goes back to review, its awards reversed, and the log says why."""
        confirmed = self.confirmed_assessment(dossier_id)
        if confirmed is None:
            return []
        changes = differences(confirmed[1], assessment)
        if changes:
            said = "; ".join(c.said() for c in changes)
            self.reopen(dossier_id, f"{what}改变了已确认的金额，退回审核 / {what} changed the confirmed amounts: {said}", "system",
                        {"changes": [c.model_dump(mode="json") for c in changes]})
        return changes

    def decide(self, dossier_id: str, action: str, reviewer: str, comment: str = "", **confirm: Any) -> int:
        """Confirm (see `confirm`, which needs the rules as `reassess`) or send back."""
        if action == "confirm":
            return self.confirm(dossier_id, reviewer, comment, **confirm)
        if action == "send_back":
            return self.send_back(dossier_id, reviewer, comment)
        raise ValueError(f"unknown decision {action!r}")

    def decisions(self, dossier_id: str) -> list[DecisionRow]:
        with self.session() as s:
            return list(s.scalars(select(DecisionRow).where(DecisionRow.dossier_id == dossier_id).order_by(DecisionRow.id)))

    def confirmed_assessment(self, dossier_id: str) -> tuple[int, Assessment] | None:
        """The assessment of the dossier's last confirmation, while it stands confirmed."""
        with self.session() as s:
            row = _dossier_row(s, dossier_id)
            if row.status != "confirmed":
                return None
            last = s.scalar(select(DecisionRow).where(DecisionRow.dossier_id == dossier_id, DecisionRow.action == "confirm")
                            .order_by(DecisionRow.id.desc()).limit(1))
            assessed = s.get(AssessmentRow, last.assessment_id) if last and last.assessment_id else None
            return (assessed.id, Assessment.model_validate_json(assessed.assessment_json)) if assessed else None

    # ------------------------------------------------------------------ events

    def add_event(self, dossier_id: str, kind: str, message: str, data: Any = None) -> None:
        with self.session() as s, s.begin():
            _event(s, dossier_id, kind, message, data)

    def events(self, dossier_id: str) -> list[EventRow]:
        with self.session() as s:
            return list(s.scalars(select(EventRow).where(EventRow.dossier_id == dossier_id).order_by(EventRow.id)))

    # ------------------------------------------------------------------ ledger and cross-dossier checks

    def add_award(self, award: Award) -> None:
        """An award from outside a confirmation (an earlier year's, another policy's)."""
        with self.session() as s, s.begin():
            s.add(_award_row(award))

    def ledger(self, credit_code: str | None, exclude_dossier: str | None = None, through: int | None = None) -> Ledger:
        with self.session() as s:
            return _ledger(s, credit_code, exclude_dossier, through)

    def seen_invoices(self, exclude_dossier: str) -> dict[str, str]:
        """'code:number' → dossier id, for every invoice in another dossier's working claim set."""
        with self.session() as s:
            rows = s.execute(
                select(InvoiceUseRow.key, InvoiceUseRow.dossier_id)
                .where(InvoiceUseRow.dossier_id != exclude_dossier)
                .order_by(InvoiceUseRow.id)
            )
            seen: dict[str, str] = {}
            for key, dossier_id in rows:
                seen.setdefault(key, dossier_id)
            return seen

    def save_audit_run(self, dossier_id: str, baseline_id: int | None, new_id: int | None, diff: Any) -> int:
        with self.session() as s, s.begin():
            row = AuditRunRow(
                dossier_id=dossier_id, baseline_assessment_id=baseline_id, new_assessment_id=new_id, diff_json=_dumps(diff)
            )
            s.add(row)
            s.flush()
            return row.id

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
                for t in (DossierRow, FileRow, DocumentRow, ClaimSetRow, CorrectionRow, AssessmentRow, AwardRow,
                          ClauseDecisionRow, EventRow)
            }

