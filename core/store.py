"""The store: dossiers, files, read documents, claim sets, corrections, assessments, ledger.

SQLite under DOSSIER_HOME by default, PostgreSQL when DATABASE_URL says so. Pydantic
models are kept as JSON text so a record read back years later is exactly what was
written. Corrections, decisions and assessments are append-only: nothing is updated in
place that an auditor might want to see again.
"""
from __future__ import annotations

import datetime as dt
import json
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
from core.models import Assessment, Award, ClaimSet, ClauseResult, DocType, Document, Ledger, Manifest


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
    """The applicant ledger: awards already granted, read by the per-year and cumulative caps."""

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


def _add_missing_columns(engine: Engine) -> None:
    """create_all never alters a table, so a database made by an earlier version gets the
    nullable columns added since (all additive) here, instead of failing on first read."""
    db = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            have = {c["name"] for c in db.get_columns(table.name)}
            for col in table.columns:
                if col.name not in have and col.nullable:
                    kind = col.type.compile(dialect=engine.dialect)
                    conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{col.name}" {kind}'))


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


def _invoices_by_document(claims: ClaimSet) -> dict[str, str]:
    """Document sha256 → invoice key ('code:number', or the 数电票 number alone), as the rules key them."""
    out: dict[str, str] = {}
    for doc in claims.of_type(DocType.invoice):
        number, code = doc.value("invoice_number"), doc.value("invoice_code")
        if number:
            out[doc.document] = f"{code}:{number}" if code else str(number)
    return out


def _counted_invoices(result: ClauseResult, invoices: dict[str, str]) -> list[str]:
    """The invoices a clause's amount was computed from: those its formula inputs cite."""
    cited = {e.document for i in result.inputs for e in i.evidence if e.document}
    return [key for sha, key in invoices.items() if sha in cited]


class Store:
    def __init__(self, url: str | None = None):
        self.url = url or home.database_url()
        self.engine = _engine(self.url)
        Base.metadata.create_all(self.engine)
        _add_missing_columns(self.engine)
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
            row = s.scalar(
                select(ClaimSetRow)
                .where(ClaimSetRow.dossier_id == dossier_id, ClaimSetRow.origin.in_(origins))
                .order_by(ClaimSetRow.id.desc())
                .limit(1)
            )
            return (row.id, ClaimSet.model_validate_json(row.claimset_json)) if row else None

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

    def decide(self, dossier_id: str, action: str, reviewer: str, comment: str = "") -> int:
        """Confirm or send back. Confirming writes the proposed awards to the ledger, so the
        applicant's next dossier sees them against its caps."""
        if action not in {"confirm", "send_back"}:
            raise ValueError(f"unknown decision {action!r}")
        with self.session() as s, s.begin():
            dossier = _dossier_row(s, dossier_id, lock=True)
            latest = _latest_assessment_row(s, dossier_id, ("draft", "recomputed"))
            row = DecisionRow(
                dossier_id=dossier_id,
                action=action,
                reviewer=reviewer,
                comment=comment,
                assessment_id=latest.id if latest else None,
            )
            s.add(row)
            dossier.status = "confirmed" if action == "confirm" else "sent_back"
            if action == "confirm" and latest:
                assessment = Assessment.model_validate_json(latest.assessment_json)
                assessed = s.get(ClaimSetRow, latest.claimset_id) if latest.claimset_id else None
                invoices = _invoices_by_document(ClaimSet.model_validate_json(assessed.claimset_json)) if assessed else {}
                # A re-confirmation replaces this dossier's earlier ledger lines, never adds to them.
                for old in s.scalars(select(AwardRow).where(AwardRow.dossier_id == dossier_id)):
                    s.delete(old)
                code = assessment.applicant.credit_code or dossier.credit_code or ""
                for r in assessment.results:
                    if r.amount > 0:
                        s.add(
                            AwardRow(
                                credit_code=code,
                                clause_id=r.clause_id,
                                year=assessment.year or utcnow().year,
                                amount=r.amount,
                                dossier_id=dossier_id,
                                invoices_json=_dumps(_counted_invoices(r, invoices)),
                            )
                        )
            s.flush()
            return row.id

    def decisions(self, dossier_id: str) -> list[DecisionRow]:
        with self.session() as s:
            return list(s.scalars(select(DecisionRow).where(DecisionRow.dossier_id == dossier_id).order_by(DecisionRow.id)))

    # ------------------------------------------------------------------ ledger and cross-dossier checks

    def add_award(self, award: Award) -> None:
        with self.session() as s, s.begin():
            # (the ledger helper widens the table to every Award field; until then, the columns it has)
            columns = {"credit_code", "clause_id", "year", "amount", "dossier_id", "project", "policy"}
            s.add(AwardRow(**award.model_dump(include=columns), invoices_json=_dumps(award.invoices)))

    def ledger(self, credit_code: str | None, exclude_dossier: str | None = None) -> Ledger:
        if not credit_code:
            return Ledger()
        with self.session() as s:
            q = select(AwardRow).where(AwardRow.credit_code == credit_code)
            if exclude_dossier:
                q = q.where((AwardRow.dossier_id.is_(None)) | (AwardRow.dossier_id != exclude_dossier))
            return Ledger(
                awards=[
                    Award(
                        credit_code=r.credit_code,
                        clause_id=r.clause_id,
                        year=r.year,
                        amount=Decimal(r.amount),
                        dossier_id=r.dossier_id,
                        project=r.project,
                        policy=r.policy,
                        invoices=json.loads(r.invoices_json) if r.invoices_json else [],
                    )
                    for r in s.scalars(q.order_by(AwardRow.id))
                ]
            )

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
                for t in (DossierRow, FileRow, DocumentRow, ClaimSetRow, CorrectionRow, AssessmentRow, AwardRow)
            }

