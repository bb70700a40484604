"""The shared schema: what ingest reads, what extract claims, what rules assess.

Every stage speaks these pydantic models and nothing else, so a claim set written by
hand (or by another system, from the exported JSON Schema) runs through the rules
exactly like one the pipeline extracted.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.standards import StandardEntry


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- pages


class Box(Model):
    """Axis-aligned box in the page's own units (see Page.unit), origin top-left."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def union(self, other: "Box") -> "Box":
        return Box(
            x0=min(self.x0, other.x0),
            y0=min(self.y0, other.y0),
            x1=max(self.x1, other.x1),
            y1=max(self.y1, other.y1),
        )

    @classmethod
    def from_quad(cls, quad: list[list[float]] | list[tuple[float, float]]) -> "Box":
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        return cls(x0=min(xs), y0=min(ys), x1=max(xs), y1=max(ys))


class ReadingSource(Model):
    """How a page's text was obtained; recorded so an auditor can re-run it the same way."""

    kind: Literal["text_layer", "ocr", "ofd", "xml"]
    engine: str | None = None  # e.g. "rapidocr-onnxruntime" or "tesseract"
    version: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.kind == "ocr":
            # The full version (with model names) stays in `version`; the label is for people.
            return f"ocr:{self.engine}@{(self.version or '?').split(' (')[0]}"
        return self.kind


class Word(Model):
    text: str
    box: Box
    confidence: float = 1.0


class Line(Model):
    text: str
    box: Box
    confidence: float = 1.0  # an OCR engine's: the mean over the line's glyphs as the recogniser read them
    words: list[Word] = Field(default_factory=list)
    # Each glyph's own probability, glyphs[i] for text[i], where the engine says (rapidocr);
    # empty for text layers, OFD, XML and engines that cannot say. A line's mean hides one
    # doubtful glyph in a long line; a value cut out of the line is judged by its own glyphs.
    glyphs: list[float] = Field(default_factory=list)

    @model_validator(mode="after")
    def _glyphs_aligned(self) -> "Line":
        if self.glyphs and len(self.glyphs) != len(self.text):
            raise ValueError(f"{len(self.glyphs)} glyph probabilities for a line of {len(self.text)} characters")
        return self


class Page(Model):
    number: int  # 1-based, as a reviewer counts
    width: float
    height: float
    unit: Literal["px", "pt"] = "px"
    source: ReadingSource
    lines: list[Line] = Field(default_factory=list)
    rotation: int = 0  # degrees the original was turned back by before reading (0/90/180/270)
    skew: float = 0.0  # degrees of small skew corrected before reading
    image: str | None = None  # path of the rendered page image, relative to DOSSIER_HOME
    # Structured sources (OFD tags, 数电票 XML, printed QR codes) give fields directly.
    tags: dict[str, list[str]] = Field(default_factory=dict)
    # Text read round the ring of a seal on the page (ingest.seal_ring): not the page's text, so
    # no field is read from it; one line per reading, the readings of one seal sharing its box.
    seal_rings: list[Line] = Field(default_factory=list)
    seconds: float = 0.0  # time spent reading this page (0 on a cache hit)
    cached: bool = False

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class FileStatus(str, Enum):
    ok = "ok"
    error = "error"
    unsupported = "unsupported"


class Document(Model):
    """One received file, read into pages. The id is the original's SHA-256."""

    sha256: str
    original_name: str
    media_type: str  # sniffed from content: application/pdf, image/jpeg, application/ofd, ...
    size: int
    status: FileStatus = FileStatus.ok
    error: str | None = None
    pages: list[Page] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.sha256

    @property
    def text(self) -> str:
        return "\n\f".join(p.text for p in self.pages)


class Manifest(Model):
    """Optional manifest an applicant hands in beside the files."""

    applicant_name: str | None = None
    credit_code: str | None = None  # 统一社会信用代码
    clauses: list[str] = Field(default_factory=list)  # clause ids applied for
    year: int | None = None
    facts: dict[str, Any] = Field(default_factory=dict)  # declarations, e.g. {"sme": true, "device_count": 40}


class Dossier(Model):
    id: str
    name: str
    received_at: dt.datetime
    manifest: Manifest | None = None
    documents: list[Document] = Field(default_factory=list)


# --------------------------------------------------------------------------- claims


class EvidenceKind(str, Enum):
    document = "document"  # read off a page
    manifest = "manifest"  # declared by the applicant
    reviewer = "reviewer"  # entered or corrected by a reviewer
    ledger = "ledger"  # earlier awards in the store
    derived = "derived"  # computed from other claims


class Evidence(Model):
    kind: EvidenceKind = EvidenceKind.document
    document: str | None = None  # Document.sha256
    file_name: str | None = None
    page: int | None = None
    box: Box | None = None
    text: str = ""  # the source text the value was read from
    source: str | None = None  # ReadingSource.label, or a reviewer's name

    def cite(self) -> str:
        if self.kind == EvidenceKind.document:
            where = self.file_name or (self.document or "?")[:12]
            page = f" p.{self.page}" if self.page else ""
            return f"{where}{page}: «{self.text}»"
        return f"{self.kind.value}: «{self.text}»" + (f" ({self.source})" if self.source else "")


class ValueType(str, Enum):
    money = "money"  # Decimal yuan
    date = "date"
    text = "text"
    number = "number"  # Decimal
    integer = "integer"
    boolean = "boolean"
    list = "list"  # list[str]
    items = "items"  # list[LineItem]
    standards = "standards"  # list[core.standards.StandardEntry]; evidence[i] is entry i's row


class LineItem(Model):
    name: str = ""
    spec: str | None = None
    unit: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    tax_rate: str | None = None  # "13%", "免税", "不征税"
    tax: Decimal | None = None


class Flag(Model):
    """A cross-check that failed or could not be made. Flags inform; they never fix."""

    code: str  # e.g. "sum_mismatch", "check_digit", "words_figures", "duplicate_invoice"
    severity: Literal["info", "warning", "error"] = "warning"
    message: str


def _coerce(value_type: ValueType, value: Any) -> Any:
    if value is None:
        return None
    match value_type:
        case ValueType.money | ValueType.number:
            return value if isinstance(value, Decimal) else Decimal(str(value))
        case ValueType.date:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        case ValueType.integer:
            return int(value)
        case ValueType.boolean:
            if isinstance(value, str):
                return value.strip().lower() in {"true", "1", "yes", "是"}
            return bool(value)
        case ValueType.list:
            return [str(v) for v in value]
        case ValueType.items:
            return [v if isinstance(v, LineItem) else LineItem.model_validate(v) for v in value]
        case ValueType.standards:
            return [v if isinstance(v, StandardEntry) else StandardEntry.model_validate(v) for v in value]
        case _:
            return str(value)


# A reading below this goes to a reviewer as doubtful (the review app's "low confidence" list,
# and the evaluation's calibration report, which counts what slips past it).
LOW_CONFIDENCE = 0.8


class Claim(Model):
    """One extracted (or declared, or corrected) value with where it came from."""

    field: str
    value_type: ValueType = ValueType.text
    value: Any = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    corrected: bool = False  # true once a reviewer changed it; the original stays in the change log

    @property
    def warnings(self) -> list[Flag]:
        return [f for f in self.flags if f.severity != "info"]

    @property
    def doubtful(self) -> bool:
        """What the review app puts before a reviewer (review_ui.attention decides by it): a
        failed check, a reviewer's corrected value's too, or a reading below LOW_CONFIDENCE (a
        corrected value is the reviewer's own, never low)."""
        return bool(self.warnings) or self.low

    @property
    def low(self) -> bool:
        """A reading below LOW_CONFIDENCE that no reviewer has set."""
        return not self.corrected and self.confidence < LOW_CONFIDENCE

    @model_validator(mode="after")
    def _typed(self) -> "Claim":
        object.__setattr__(self, "value", _coerce(self.value_type, self.value))
        return self


class DocType(str, Enum):
    invoice = "invoice"
    contract = "contract"
    standard_notice = "standard_notice"
    business_licence = "business_licence"
    commitment_letter = "commitment_letter"
    capital_verification = "capital_verification"
    receipt = "receipt"  # look-alike of an invoice (收款凭证): never counted as one
    other = "other"


class DocumentClaims(Model):
    document: str  # Document.sha256
    file_name: str
    doc_type: DocType = DocType.other
    doc_type_confidence: float = 0.0
    doc_type_evidence: list[Evidence] = Field(default_factory=list)
    subtype: str | None = None  # e.g. invoice_kind: 专票 / 普票 / 电子普通发票 / 数电票
    clauses: list[str] = Field(default_factory=list)  # clause ids this document supports
    claims: list[Claim] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    error: str | None = None  # the file could not be read; recorded, never dropped

    def get(self, field: str) -> Claim | None:
        for c in self.claims:
            if c.field == field:
                return c
        return None

    def value(self, field: str) -> Any:
        c = self.get(field)
        return c.value if c else None


class Applicant(Model):
    name: str | None = None
    credit_code: str | None = None
    address: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class ClaimSet(Model):
    """Everything the rules may look at for one dossier. The rules' only input besides
    parameters and the applicant's ledger."""

    schema_version: Literal["1"] = "1"
    dossier_id: str
    applicant: Applicant = Field(default_factory=Applicant)
    year: int | None = None  # the award year applied for
    clauses: list[str] = Field(default_factory=list)  # clause ids applied for; empty = all that apply
    documents: list[DocumentClaims] = Field(default_factory=list)
    # Facts that no page states (SME status, device count, evaluation outcome, ...),
    # declared in the manifest or entered by a reviewer, each a Claim with its evidence.
    facts: list[Claim] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)

    def fact(self, field: str) -> Claim | None:
        for c in self.facts:
            if c.field == field:
                return c
        return None

    def of_type(self, doc_type: DocType) -> list[DocumentClaims]:
        return [d for d in self.documents if d.doc_type == doc_type]


# --------------------------------------------------------------------------- ledger


class Award(Model):
    """An earlier award to the same applicant, from the store; caps across dossiers read these.

    The ledger is append-only: a send-back, re-confirmation or re-intake never deletes an award,
    it appends a `reversal` entry naming the award it cancels (`reverses`), with a positive
    amount. What was granted is the awards that no reversal names (`Ledger.granted`)."""

    credit_code: str
    clause_id: str
    year: int
    amount: Decimal
    dossier_id: str | None = None
    # Project identity (第十条 groups by it): its name and the evidence it rests on (invoice ids,
    # document sha256s, a declared investment), so the same project is recognised across
    # clauses, dossiers and years.
    project: str | None = None
    project_evidence: list[str] = Field(default_factory=list)
    # The standard code (art7.2) or node/platform identity (art5.2, 6.x) for once-only awards.
    standard_code: str | None = None
    once_key: str | None = None
    policy: str = "穗埔府规〔2019〕9号"  # other district policies count for art10 too
    # Invoices (code:number, or the 20-digit 数电票 number alone) this award counted, so a later
    # dossier cannot count them again.
    invoices: list[str] = Field(default_factory=list)
    # Provenance: the entry's own id, what it is, and the confirmation it came from.
    entry_id: str | None = None
    kind: Literal["award", "reversal"] = "award"
    reverses: str | None = None  # entry_id of the award a reversal cancels
    assessment_id: str | None = None
    rule_set_version: str | None = None
    confirmed_by: str | None = None
    confirmed_at: dt.datetime | None = None
    reason: str | None = None  # why a reversal was made (send-back, re-intake, re-confirmation)


class Ledger(Model):
    awards: list[Award] = Field(default_factory=list)
    # The store's last ledger row when this ledger was read (0: none yet). An assessment keeps
    # it, so an audit years later re-runs against the ledger as it stood, not as it stands.
    through: int | None = None

    def granted(self) -> list[Award]:
        """Awards in force: every `award` entry that no `reversal` entry names."""
        reversed_ids = {a.reverses for a in self.awards if a.kind == "reversal" and a.reverses}
        return [a for a in self.awards if a.kind == "award" and (a.entry_id is None or a.entry_id not in reversed_ids)]

    def paid(self, credit_code: str | None, clause_ids: set[str], year: int | None = None) -> Decimal:
        total = Decimal("0")
        for a in self.granted():
            if a.credit_code == credit_code and a.clause_id in clause_ids and (year is None or a.year == year):
                total += a.amount
        return total


# --------------------------------------------------------------------------- assessment


class ClauseDecision(Model):
    """A reviewer's decision on a clause the rules left open (needs_judgement or
    needs_evidence): grant an amount up to the ceiling, reject, or mark not applied.
    Decisions are logged, never edited; the latest per clause is in force."""

    clause_id: str
    decision: Literal["grant", "reject", "not_applied"]
    amount: Decimal | None = None  # for a grant: at most the clause's ceiling when applied
    reason: str
    reviewer: str
    assessment_id: int | None = None  # the assessment the reviewer decided on
    id: int | None = None
    at: dt.datetime | None = None


class Status(str, Enum):
    eligible = "eligible"
    not_eligible = "not_eligible"
    needs_evidence = "needs_evidence"
    needs_judgement = "needs_judgement"  # a reviewer must decide; the amount is the ceiling
    not_applied = "not_applied"


class FormulaInput(Model):
    name: str
    value: str  # as shown in the formula, e.g. "120000.00"
    evidence: list[Evidence] = Field(default_factory=list)


class CapApplied(Model):
    name: str  # e.g. "单个企业每年补助不超过20万元"
    limit: Decimal
    already_used: Decimal = Decimal("0")
    bound: bool = False  # true when this cap reduced the amount
    source: str  # clause id the cap comes from


class Reading(Model):
    """A choice the policy's text leaves open, as the rules took it: what was asked, the
    reading taken, the other reading and what the clause would give under it, and who
    decides (`rule`: the parameters or the code chose; `reviewer`: a reviewer must, or did).
    A reviewer switches a reading with the `readings_decided` fact ("id=alternative")."""

    id: str  # e.g. "art10.ledger_mode", "window.before", "art3.settlement_date"
    question: str
    taken: str
    alternative: str
    amount_under_alternative: Decimal | None = None
    status_under_alternative: Status | None = None  # e.g. needs_evidence: the amount is provisional
    decided_by: Literal["rule", "reviewer"] = "rule"


class ClauseResult(Model):
    clause_id: str
    title: str
    status: Status
    amount: Decimal = Decimal("0")
    formula: str = ""  # e.g. "50% × 120,000.00 = 60,000.00; cap 200,000.00"
    inputs: list[FormulaInput] = Field(default_factory=list)
    caps: list[CapApplied] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    citation: str = ""  # the clause's Chinese text
    explanation: str = ""  # the result read aloud
    readings: list[Reading] = Field(default_factory=list)
    # What the ledger records with an award of this result (第十条 and once-only checks read
    # them back): the project's name and the evidence it rests on (invoice keys, document
    # sha256s, "declared:<fact>@<dossier>"), invoices counted, standards paid, and the
    # once-only identity (art3 settlement, art5.1, a node or platform). Several standards in
    # one result go to Award.standard_code joined by "; " (the rules split it back).
    project: str | None = None
    project_evidence: list[str] = Field(default_factory=list)
    invoices: list[str] = Field(default_factory=list)
    standard_codes: list[str] = Field(default_factory=list)
    once_key: str | None = None
    # An open question of another clause that this one carries (the art2 gate: its papers are
    # missing or a reviewer must judge it), by that clause's id, and the status this clause
    # reached on its own: a reviewer's grant of `blocked_by` puts it back to `own_status`,
    # whatever its reasons say (core.decisions).
    blocked_by: str | None = None
    own_status: Status | None = None


class Assessment(Model):
    dossier_id: str
    # "<params name>/<version>+<params hash> code <package version>+<hash of rules/*.py and the
    # parameters>": both what was decided and the code that decided it.
    rule_set_version: str
    parameters_source: str = ""
    created_at: dt.datetime
    applicant: Applicant = Field(default_factory=Applicant)
    year: int | None = None
    results: list[ClauseResult] = Field(default_factory=list)
    total: Decimal = Decimal("0")
    flags: list[Flag] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    ledger_through: int | None = None  # Ledger.through of the ledger assessed against

    def result(self, clause_id: str) -> ClauseResult | None:
        for r in self.results:
            if r.clause_id == clause_id:
                return r
        return None
