"""A dossier's documents (read or already extracted) + its manifest → the ClaimSet the rules read."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from core.models import (
    Applicant,
    Claim,
    ClaimSet,
    DocType,
    Document,
    DocumentClaims,
    Evidence,
    EvidenceKind,
    Flag,
    Manifest,
    ValueType,
)
from extract.crosscheck import DATE_FIELDS, check_buyer, check_duplicates, check_names, check_window
from extract.fields.base import similar_name
from extract.normalise import parse_money

# What a document's content says it is evidence for. Order matters only for readability.
CLAUSE_CUES: list[tuple[str, tuple[str, ...]]] = [
    ("art4.1", ("上平台", "设备接入", "设备上云", "设备联网", "接入平台")),
    ("art4.2", ("云", "SaaS", "saas", "软件", "订阅", "平台服务")),
    ("art7.1", ("测试", "评估", "检测", "评测")),
]
DOC_CLAUSES = {
    DocType.standard_notice: ["art7.2"],
    DocType.business_licence: ["art2"],
    DocType.commitment_letter: ["art2"],
    DocType.capital_verification: ["art3"],
}
MONEY_SUFFIXES = ("_amount", "_cost", "_costs", "_investment", "_fees", "_fee", "capital")


def clauses_for(dc: DocumentClaims) -> list[str]:
    """Clause ids a document can support, read from its type and what it is about."""
    if dc.doc_type in DOC_CLAUSES:
        return list(DOC_CLAUSES[dc.doc_type])
    if dc.doc_type not in (DocType.invoice, DocType.contract):
        return []
    about = " ".join(_about(dc))
    return [clause for clause, cues in CLAUSE_CUES if any(cue in about for cue in cues)]


def _about(dc: DocumentClaims) -> list[str]:
    texts = []
    for field in ("subject", "title"):
        if isinstance(dc.value(field), str):
            texts.append(dc.value(field))
    for item in dc.value("items") or []:
        texts.append(item.name)
    return texts


# --------------------------------------------------------------------------- applicant


def _manifest_evidence(text: str) -> Evidence:
    return Evidence(kind=EvidenceKind.manifest, text=text, source="manifest")


def _applicant(manifest: Manifest | None, docs: list[DocumentClaims]) -> Applicant:
    if manifest and (manifest.applicant_name or manifest.credit_code):
        return Applicant(
            name=manifest.applicant_name,
            credit_code=manifest.credit_code,
            evidence=[_manifest_evidence(" / ".join(x for x in (manifest.applicant_name, manifest.credit_code) if x))],
        )
    for doc_type in (DocType.business_licence, DocType.commitment_letter):
        for dc in docs:
            if dc.doc_type == doc_type and dc.get("company_name"):
                name, code = dc.get("company_name"), dc.get("credit_code")
                address = dc.get("address")
                return Applicant(
                    name=name.value,
                    credit_code=code.value if code else None,
                    address=address.value if address else None,
                    evidence=[*name.evidence, *(code.evidence if code else [])],
                )
    # Else the buyer most invoices name.
    buyers = Counter()
    first: dict[str, DocumentClaims] = {}
    for dc in docs:
        if dc.doc_type == DocType.invoice and dc.value("buyer_name"):
            buyers[dc.value("buyer_name")] += 1
            first.setdefault(dc.value("buyer_name"), dc)
    if buyers:
        name = buyers.most_common(1)[0][0]
        dc = first[name]
        tax_id = dc.get("buyer_tax_id")
        return Applicant(
            name=name,
            credit_code=tax_id.value if tax_id else None,
            evidence=[*dc.get("buyer_name").evidence, *(tax_id.evidence if tax_id else [])],
        )
    return Applicant()


def _year(manifest: Manifest | None, docs: list[DocumentClaims]) -> int | None:
    if manifest and manifest.year:
        return manifest.year
    dates = [c.value for dc in docs for c in dc.claims if c.field in DATE_FIELDS and isinstance(c.value, date)]
    return max(dates).year if dates else None


# --------------------------------------------------------------------------- facts


def fact_claim(name: str, value: Any) -> Claim:
    """A declaration from the manifest, typed from its Python value (and money by its name)."""
    money_name = name.endswith(MONEY_SUFFIXES)
    evidence = [_manifest_evidence(f"{name} = {value}")]
    if isinstance(value, bool):
        return Claim(field=name, value_type=ValueType.boolean, value=value, evidence=evidence)
    if money_name and isinstance(value, (int, float, Decimal, str)):
        amount = parse_money(value) if isinstance(value, str) else Decimal(str(value))
        if amount is not None:
            return Claim(field=name, value_type=ValueType.money, value=amount, evidence=evidence)
    if isinstance(value, int):
        return Claim(field=name, value_type=ValueType.integer, value=value, evidence=evidence)
    if isinstance(value, (float, Decimal)):
        return Claim(field=name, value_type=ValueType.number, value=Decimal(str(value)), evidence=evidence)
    if isinstance(value, date):
        return Claim(field=name, value_type=ValueType.date, value=value, evidence=evidence)
    if isinstance(value, (list, tuple)):
        return Claim(field=name, value_type=ValueType.list, value=[str(v) for v in value], evidence=evidence)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return Claim(field=name, value_type=ValueType.date, value=value.strip(), evidence=evidence)
    return Claim(field=name, value_type=ValueType.text, value=str(value), evidence=evidence)


# --------------------------------------------------------------------------- standards


def mark_lead(dc: DocumentClaims, applicant: Applicant) -> None:
    """applicant_is_lead: the applicant is the first drafting unit (牵头单位) of the standard."""
    units = dc.get("drafting_units")
    if dc.doc_type != DocType.standard_notice or units is None or not applicant.name or dc.get("applicant_is_lead"):
        return
    lead = units.value[0] if units.value else ""
    is_lead = similar_name(lead, applicant.name)
    # units read with a hole in them: whether the applicant is first is not known for sure (a
    # note, as a glyph read doubtfully, says so in the confidence the lead takes from them)
    flags = [Flag(code="uncertain_units", message=f"the drafting units are flagged ({', '.join(f.code for f in units.warnings)}): "
                  "check who is first") for _ in units.warnings[:1]]
    if not is_lead:
        for entry in dc.value("standards") or []:
            if entry.lead and similar_name(entry.lead, applicant.name):
                # art7.2 assesses every row on its own: this only tells the reviewer why the
                # document's own standard is not the one paid.
                flags.append(Flag(code="other_standard", message=f"the applicant leads {entry.code or '?'} in this notice, not "
                                  f"{dc.value('standard_code') or 'the standard read first'}; art7.2 assesses that row on its own"))
    evidence = [
        *units.evidence,
        Evidence(kind=EvidenceKind.derived, text=f"first drafting unit «{lead}» vs applicant «{applicant.name}»", source="claimset"),
    ]
    dc.claims.append(Claim(field="applicant_is_lead", value_type=ValueType.boolean, value=is_lead, confidence=units.confidence,
                           evidence=evidence, flags=flags))
    dc.flags.extend(flags)


# --------------------------------------------------------------------------- the claim set


def build_claimset(
    dossier_id: str,
    documents: list[Document] | list[DocumentClaims],
    manifest: Manifest | None = None,
    *,
    window: tuple[date, date] | None = None,
    seen_invoices: dict[str, str] | None = None,
) -> ClaimSet:
    from extract import extract_document

    docs = [d if isinstance(d, DocumentClaims) else extract_document(d) for d in documents]
    applicant = _applicant(manifest, docs)
    if applicant.name:
        # A notice publishing several standards: read the applicant's one.
        for i, d in enumerate(documents):
            if isinstance(d, Document) and docs[i].doc_type == DocType.standard_notice:
                docs[i] = extract_document(d, applicant_name=applicant.name)
    wanted = set(manifest.clauses) if manifest and manifest.clauses else None
    for dc in docs:
        if wanted is not None:
            dc.clauses = [c for c in dc.clauses if c in wanted]
        mark_lead(dc, applicant)
        check_buyer(dc, applicant)
        check_window(dc, window)
    check_duplicates(docs, dossier_id, seen_invoices)
    check_names(docs, applicant)

    flags: list[Flag] = []
    if not applicant.name and not applicant.credit_code:
        flags.append(Flag(code="no_applicant", message="no manifest, business licence, commitment letter or invoice names the applicant"))
    for dc in docs:
        if dc.error:
            flags.append(Flag(code="unreadable", severity="error", message=f"{dc.file_name}: {dc.error}"))
    return ClaimSet(
        dossier_id=dossier_id,
        applicant=applicant,
        year=_year(manifest, docs),
        clauses=list(manifest.clauses) if manifest else [],
        documents=docs,
        facts=[fact_claim(k, v) for k, v in (manifest.facts if manifest else {}).items()],
        flags=flags,
    )
