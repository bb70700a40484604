"""Extraction quality against ground truth: `dossier eval PATH...`.

Each document's truth sits beside it as `<file>.json`, `<stem>.json` or `truth/<file>.json` (in its folder or the one above)
({"doc_type", "subtype", "family", "fields"}, as fixtures.generator writes it),
or, for real documents (shared/realdocs, the held-out fixtures/realeval), as a hand-written
`gt/<file>.json`: its `expected` block is in our field names (`expected_truth`); an older GT
without one is mapped from its Chinese keys (`realdocs_truth`).

Besides per-field precision and recall, the report splits the key-field figure by document kind
and by family (an invoice subtype, a standard's level, a generated layout family), so one weak
family cannot hide behind a strong average. Its calibration says how many wrong key values the
review app would put before a reviewer (a failed check, or confidence under its threshold) and
how many it would give as if right ("confident wrong"), beside the share of right values it
sends to a reviewer all the same.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.models import Document, DocumentClaims
from extract.scoring import Calibration, FieldResult, FieldScore, calibration, compare, overall, precision_recall

SKIP_SUFFIXES = {".json", ".md", ".txt", ".yaml", ".yml", ".py"}


class DocumentOutcome(BaseModel):
    file: str
    kind: str = ""  # the truth's document kind (what the document is, whatever was extracted)
    family: str = ""  # the truth's family within the kind
    doc_type: str
    subtype: str | None = None
    error: str | None = None
    seconds: float = 0.0
    results: list[FieldResult] = Field(default_factory=list)


class GroupScore(BaseModel):
    """Key-field figures of the documents of one kind, or of one family of a kind."""

    group: str
    documents: int
    key: FieldScore


class EvalReport(BaseModel):
    documents: list[DocumentOutcome] = Field(default_factory=list)
    scores: list[FieldScore] = Field(default_factory=list)
    key: FieldScore | None = None
    all: FieldScore | None = None
    kinds: list[GroupScore] = Field(default_factory=list)
    families: list[GroupScore] = Field(default_factory=list)
    missing_truth: list[str] = Field(default_factory=list)
    calibration: Calibration = Field(default_factory=Calibration)

    def confident_wrong(self) -> list[FieldResult]:
        return [r for d in self.documents for r in d.results
                if r.key and r.outcome in ("wrong", "fp") and r.doubtful is False]

    def figures(self) -> dict[str, Any]:
        return {
            "documents": len(self.documents),
            "key_exact": self.key.exact if self.key else None,
            "key_precision": self.key.precision if self.key else None,
            "key_recall": self.key.recall if self.key else None,
            "fields": {s.field: _score_figures(s) for s in self.scores},
            "kinds": {g.group: {"documents": g.documents, **_score_figures(g.key)} for g in self.kinds},
            "families": {g.group: {"documents": g.documents, **_score_figures(g.key)} for g in self.families},
            "wrong": [r.model_dump(mode="json") for d in self.documents for r in d.results if r.outcome in ("wrong", "fn", "fp")],
            "calibration": {**self.calibration.model_dump(), "caught": self.calibration.caught,
                            "right_doubtful_rate": self.calibration.right_doubtful_rate},
            "confident_wrong": [r.model_dump(mode="json") for r in self.confident_wrong()],
        }


def _score_figures(s: FieldScore) -> dict[str, Any]:
    return {"precision": s.precision, "recall": s.recall, "exact": s.exact, "tp": s.tp, "fp": s.fp, "fn": s.fn, "total": s.total}


# --------------------------------------------------------------------------- reading (the one I/O step)


def read(path: Path) -> Document:
    from ingest.archive import sha256_of
    from ingest.read import read_document

    sha, _ = sha256_of(path)
    return read_document(path, sha, path.name)


# --------------------------------------------------------------------------- ground truth


def truth_for(path: Path) -> dict[str, Any] | None:
    beside_files = (path.with_name(path.name + ".json"), path.with_suffix(".json"),
                    path.parent / "truth" / (path.name + ".json"), path.parent.parent / "truth" / (path.name + ".json"))
    for beside in beside_files:
        if beside.is_file() and beside != path:
            return json.loads(beside.read_text(encoding="utf-8"))
    gt = path.parent / "gt" / (path.name + ".json")
    if gt.is_file():
        data = json.loads(gt.read_text(encoding="utf-8"))
        return expected_truth(data) if "expected" in data else realdocs_truth(data)
    return None


def expected_truth(gt: dict[str, Any]) -> dict[str, Any]:
    """A hand-written GT's `expected` block → {"doc_type", "subtype", "family", "fields"}.

    A field named in `uncertain_not_scored` is left out (the document does not settle it); the
    document's kind is always scored. A receipt is a negative sample: anything but an invoice is
    right, and its own fields (payer, purpose, ...) are not ours to score."""
    expected = dict(gt["expected"])
    doc_type = expected.pop("doc_type")
    if doc_type == "receipt":
        return {"doc_type": "!invoice", "family": "receipt", "fields": {}}
    unsure = set(gt.get("uncertain_not_scored") or {})
    truth: dict[str, Any] = {"doc_type": doc_type}
    if "subtype" in expected:
        subtype = expected.pop("subtype")
        if "subtype" not in unsure:
            truth["subtype"] = subtype
        truth["family"] = subtype
    truth["family"] = gt.get("family") or truth.get("family") or expected.get("level") or doc_type
    truth["fields"] = {k: v for k, v in expected.items() if k not in unsure}
    return truth


REALDOCS_KEYS = {
    "发票代码": "invoice_code",
    "发票号码": "invoice_number",
    "开票日期": "issue_date",
    "购买方名称": "buyer_name",
    "购买方纳税人识别号": "buyer_tax_id",
    "销售方名称": "seller_name",
    "销售方纳税人识别号": "seller_tax_id",
    "金额": "amount_excl_tax",
    "税额": "tax_amount",
    "价税合计小写": "total_amount",
    "价税合计大写": "total_amount_words",
}
OFD_TAG_KEYS = {
    "InvoiceCode": "invoice_code",
    "InvoiceNo": "invoice_number",
    "IssueDate": "issue_date",
    "BuyerName": "buyer_name",
    "BuyerTaxID": "buyer_tax_id",
    "SellerName": "seller_name",
    "SellerTaxID": "seller_tax_id",
    "TaxExclusiveTotalAmount": "amount_excl_tax",
    "TaxTotalAmount": "tax_amount",
    "TaxInclusiveTotalAmount": "total_amount",
}
ITEM_KEYS = {"项目": "name", "规格型号": "spec", "数量": "quantity", "单价": "unit_price", "金额": "amount", "税率": "tax_rate", "税额": "tax"}
OFD_ITEM_KEYS = {"Item": "name", "Specification": "spec", "MeasurementDimension": "unit", "Quantity": "quantity", "Price": "unit_price", "Amount": "amount", "TaxScheme": "tax_rate", "TaxAmount": "tax"}


def _value(field: str, raw: str) -> Any:
    from extract.normalise import parse_date, parse_money, parse_money_words

    raw = raw.strip()
    if field in ("issue_date",):
        d = parse_date(raw)
        return d.isoformat() if d else raw
    if field in ("amount_excl_tax", "tax_amount", "total_amount", "amount", "tax", "unit_price"):
        if set(raw) <= set("*＊"):
            return "0.00"  # 免税: the tax is printed as *** and is nil
        m = parse_money(raw) if not raw.replace(".", "", 1).isdigit() else None
        return str(m) if m is not None else raw
    if field == "total_amount_words":
        m = parse_money_words(raw)
        return str(m) if m is not None else raw
    return raw


def _subtype(description: str) -> str | None:
    for needle, subtype in (("数电票", "数电票"), ("电子发票（", "数电票"), ("电子普通发票", "电子普通发票"), ("专用发票", "专票"), ("普通发票", "普票")):
        if needle in description:
            return subtype
    return None


def realdocs_truth(gt: dict[str, Any]) -> dict[str, Any]:
    """shared/realdocs/gt/*.json → {"doc_type", "subtype", "fields"}."""
    description = gt.get("doc_type", "")
    if "NOT a VAT invoice" in description or "收款凭证" in description:
        return {"doc_type": "!invoice", "fields": {}}
    fields: dict[str, Any] = {}
    tagged = gt.get("tagged_fields") or {}
    for key, field in OFD_TAG_KEYS.items():
        if tagged.get(key):
            fields[field] = _value(field, tagged[key][0])
    for key, field in REALDOCS_KEYS.items():
        if key in gt and field not in fields:
            fields[field] = _value(field, gt[key])
    items = []
    if tagged.get("Item"):
        for i in range(len(tagged["Item"])):
            items.append({f: _value(f, tagged[k][i]) for k, f in OFD_ITEM_KEYS.items() if len(tagged.get(k, [])) > i})
    elif "项目" in gt:
        items.append({f: _value(f, gt[k]) for k, f in ITEM_KEYS.items() if k in gt})
    if items:
        fields["items"] = items
    subtype = _subtype(description)
    return {"doc_type": "invoice", "subtype": subtype, "family": subtype or "invoice", "fields": fields}


# --------------------------------------------------------------------------- the run


def expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() not in SKIP_SUFFIXES))
        elif p.is_file():
            out.append(p)
    return out


def evaluate(paths: list[Path], reader=read) -> EvalReport:
    import time

    from core.models import Applicant
    from extract import extract_document
    from extract.claimset import mark_lead

    report = EvalReport()
    results: list[FieldResult] = []
    for path in expand([Path(p) for p in paths]):
        truth = truth_for(path)
        if truth is None:
            report.missing_truth.append(str(path))
            continue
        start = time.perf_counter()
        doc = reader(path)
        applicant = (truth.get("applicant") or {}).get("name")
        dc: DocumentClaims = extract_document(doc, applicant_name=applicant)
        if applicant:
            mark_lead(dc, Applicant(name=applicant))
        kind, family = kind_and_family(truth)
        outcome = DocumentOutcome(
            file=path.name, kind=kind, family=family, doc_type=dc.doc_type.value, subtype=dc.subtype, error=dc.error,
            seconds=round(time.perf_counter() - start, 3), results=compare(dc, truth),
        )
        report.documents.append(outcome)
        results.extend(outcome.results)
    report.scores = precision_recall(results)
    report.key = overall(report.scores, key_only=True)
    report.all = overall(report.scores, key_only=False)
    report.calibration = calibration(results)
    report.kinds = grouped(report.documents, lambda d: d.kind)
    report.families = grouped(report.documents, lambda d: f"{d.kind}/{d.family}")
    return report


def kind_and_family(truth: dict[str, Any]) -> tuple[str, str]:
    """What the document is: "!invoice" truths are receipts and the like, counted as not_invoice."""
    kind = str(truth.get("doc_type") or "?")
    kind = "not_invoice" if kind.startswith("!") else kind
    fields = truth.get("fields") or {}
    family = truth.get("family") or truth.get("subtype") or fields.get("level") or kind
    return kind, str(family)


def grouped(documents: list[DocumentOutcome], key) -> list[GroupScore]:
    groups: dict[str, list[DocumentOutcome]] = {}
    for d in documents:
        groups.setdefault(key(d), []).append(d)
    return [
        GroupScore(group=name, documents=len(docs),
                   key=overall(precision_recall([r for d in docs for r in d.results]), key_only=True))
        for name, docs in sorted(groups.items())
    ]


def show(report: EvalReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Extraction against ground truth")
    for col in ("field", "key", "tp", "fp", "fn", "precision", "recall", "exact"):
        table.add_column(col, justify="right" if col not in ("field", "key") else "left")
    for s in [*report.scores, *(x for x in (report.key, report.all) if x)]:
        table.add_row(s.field, "✓" if s.key else "", str(s.tp), str(s.fp), str(s.fn), f"{s.precision:.1%}", f"{s.recall:.1%}", f"{s.exact:.1%}")
    console.print(table)
    for title, groups in (("By kind (key fields)", report.kinds), ("By family (key fields)", report.families)):
        if groups:
            console.print(_group_table(title, groups))
    for d in report.documents:
        bad = [r for r in d.results if r.outcome in ("wrong", "fn", "fp")]
        status = "[green]ok[/]" if not bad and not d.error else f"[red]{len(bad)} off[/]"
        console.print(f"{d.file}: {d.doc_type}{'/' + d.subtype if d.subtype else ''} {status} ({d.seconds:.1f} s)")
        for r in bad:
            how = "" if r.doubtful is None else f"  [{_how(r)}]"
            console.print(f"    {r.field}: expected {r.expected!r}, got {r.got!r}{how}")
    c = report.calibration
    console.print(f"Calibration (key fields, review threshold {c.threshold:.0%}): {c.wrong} wrong, "
                  f"{c.wrong_flagged} flagged by a check, {c.wrong_low} low confidence, "
                  f"[{'red' if c.confident_wrong else 'green'}]{c.confident_wrong} confident wrong[/]; "
                  f"right values sent to a reviewer: {c.right_doubtful} / {c.right} ({c.right_doubtful_rate:.1%})")
    if report.missing_truth:
        console.print(f"[yellow]no ground truth for {len(report.missing_truth)} file(s)[/]")


def _how(r: FieldResult) -> str:
    said = f"{r.confidence:.0%}"
    return f"{said}, {', '.join(r.flags)}" if r.flags else said + (", low" if r.doubtful else ", CONFIDENT")


def _group_table(title: str, groups: list[GroupScore]):
    from rich.table import Table

    table = Table(title=title)
    for col in ("group", "docs", "right / total", "exact", "precision", "recall"):
        table.add_column(col, justify="left" if col == "group" else "right", overflow="fold")
    for g in groups:
        table.add_row(g.group, str(g.documents), f"{g.key.tp} / {g.key.total}", f"{g.key.exact:.1%}",
                      f"{g.key.precision:.1%}", f"{g.key.recall:.1%}")
    return table


def main(paths: list[str], json_out: bool = False) -> int:
    report = evaluate([Path(p) for p in paths])
    if json_out:
        sys.stdout.write(json.dumps(report.figures(), ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        show(report)
    return 0 if report.documents else 1


if __name__ == "__main__":
    raise SystemExit(main([a for a in sys.argv[1:] if a != "--json"], json_out="--json" in sys.argv))
