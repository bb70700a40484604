"""What a dossier shows about each standard it names (art7.2), gathered by code: every row of
every notice's `standards` list, and each standard's own cover and 前言, so one standard named
in a notice and in its 前言 (or in two notices) is one standard, its values each with the
evidence they were read from.

A document's own fields (standard_code, level, dates, drafting_units, applicant_is_lead,
industrial_internet) speak of the standard its `standard_code` names, or of its only one:
they are what a reviewer corrects, so they come before the row's own values."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.models import ClaimSet, DocumentClaims, Evidence, EvidenceKind, Ledger, ValueType
from core.standards import StandardEntry, level_of_code

from rules.inputs import typed


def code_key(code: str | None) -> str:
    """A code as compared: no spaces, half-width, upper case ("gb/t 39008—2020" is GB/T39008-2020)."""
    c = re.sub(r"\s+", "", code or "").replace("（", "(").replace("）", ")").replace("／", "/").replace("—", "-")
    return c.upper()


def same_name(a: str | None, b: str | None) -> bool:
    def norm(x: str | None) -> str:
        return re.sub(r"\s+", "", x or "").replace("（", "(").replace("）", ")")
    return bool(a and b) and norm(a) == norm(b)


def by_reviewer(evidence: list[Evidence], corrected: bool = False) -> bool:
    return corrected or any(e.kind == EvidenceKind.reviewer for e in evidence)


@dataclass
class Listing:
    """One document's word on one standard: a row of its `standards` list, or its own fields."""

    doc: DocumentClaims
    entry: StandardEntry
    evidence: list[Evidence]  # the row it was read from
    own: bool  # the document's own fields speak of this standard

    def typed(self, name: str, value_type: ValueType) -> Any:
        return typed(self.doc, name, value_type) if self.own else None


@dataclass
class Said:
    """One value about a standard, where it was read (or who set it)."""

    value: Any
    evidence: list[Evidence]
    label: str  # "file: field"
    reviewer: bool = False


@dataclass
class StandardEvidence:
    key: str
    code: str | None
    listings: list[Listing] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(item.doc.file_name for item in self.listings))

    @property
    def name(self) -> str:
        """How the explanation names it: its code and where it is shown."""
        return f"{self.code or '编号未读出的标准'}（{'、'.join(self.files)}）"

    def said(self, name: str, value_type: ValueType, attr: str | None = None, *, rows: bool = True) -> list[Said]:
        """Every value the documents give for one field: a document's own claim (a reviewer's
        first), then the rows' (`attr` of the row, when `rows`)."""
        out: list[Said] = []
        for item in self.listings:
            value = item.typed(name, value_type)
            if value not in (None, [], ""):
                claim = item.doc.get(name)
                out.append(Said(value, list(claim.evidence), f"{item.doc.file_name}: {name}", by_reviewer(claim.evidence, claim.corrected)))
            row = getattr(item.entry, attr or name, None) if rows else None
            if row not in (None, [], "", "unknown"):
                out.append(Said(row, item.evidence, f"{item.doc.file_name}: {self.code or '?'} {attr or name}"))
        return sorted(out, key=lambda s: not s.reviewer)

    def first(self, name: str, value_type: ValueType, attr: str | None = None, *, rows: bool = True) -> Said | None:
        got = self.said(name, value_type, attr, rows=rows)
        return got[0] if got else None

    def leads(self, applicant: str | None) -> list[Said]:
        """What each document says of who led it: its applicant_is_lead (worked out when the
        claim set was built, with its fuzzier name match), else its first drafting unit (its
        own, else its row's); a reviewer's correction of either comes first."""
        out: list[Said] = []
        for item in self.listings:
            said: list[Said] = []
            flag = item.typed("applicant_is_lead", ValueType.boolean)
            if flag is not None:
                claim = item.doc.get("applicant_is_lead")
                said.append(Said(flag, list(claim.evidence), f"{item.doc.file_name}: applicant_is_lead", by_reviewer(claim.evidence, claim.corrected)))
            units = item.typed("drafting_units", ValueType.list)
            if units and applicant:
                claim = item.doc.get("drafting_units")
                said.append(Said(same_name(units[0], applicant), list(claim.evidence), f"{item.doc.file_name}: drafting_units[0] = {units[0]}",
                                 by_reviewer(claim.evidence, claim.corrected)))
            elif item.entry.drafting_units and applicant:
                first = item.entry.drafting_units[0]
                said.append(Said(same_name(first, applicant), item.evidence, f"{item.doc.file_name}: {self.code} drafting_units[0] = {first}"))
            if said:
                out.append(sorted(said, key=lambda s: not s.reviewer)[0])
        return sorted(out, key=lambda s: not s.reviewer)

    def evidence(self, *more: Said | None) -> list[Evidence]:
        """The rows it was read from and the evidence of the values used, each once."""
        out: list[Evidence] = []
        for e in [e for item in self.listings for e in item.evidence] + [e for s in more if s for e in s.evidence]:
            if e not in out:
                out.append(e)
        return out

    def references(self, *more: Said | None) -> list[str]:
        """(document, page) of the rows it was read from and of the values used."""
        return list(dict.fromkeys(f"{e.file_name} p.{e.page}" if e.page else e.file_name for e in self.evidence(*more)
                                  if e.kind == EvidenceKind.document and e.file_name))


def _own_entry(doc: DocumentClaims) -> StandardEntry:
    """A document without a `standards` list (a hand-written claim set, an older extraction):
    its own fields are its one standard."""
    code = doc.value("standard_code")
    return StandardEntry(code=str(code) if code else None, title=doc.value("standard_title"),
                         level=level_of_code(code) if code else "unknown")


def listings(doc: DocumentClaims) -> list[Listing]:
    listed = doc.get("standards")
    rows = list(listed.value or []) if listed is not None and listed.value_type == ValueType.standards else []
    own_code = code_key(doc.value("standard_code"))
    out = []
    for i, entry in enumerate(rows):
        evidence = [listed.evidence[i]] if i < len(listed.evidence) else list(listed.evidence[:1])
        own = len(rows) == 1 or bool(own_code) and code_key(entry.code) == own_code
        out.append(Listing(doc, entry, evidence, own))
    if not any(item.own for item in out) and (own_code or not out):
        code = doc.get("standard_code")
        out.append(Listing(doc, _own_entry(doc), list(code.evidence) if code else [], True))
    return out


def gather(documents: list[DocumentClaims]) -> list[StandardEvidence]:
    """The standards the documents name, each once, in the order first named. A row whose code
    was not read stands alone (it cannot be matched to anything)."""
    found: dict[str, StandardEvidence] = {}
    for doc in documents:
        own_code = doc.get("standard_code")
        for i, item in enumerate(listings(doc)):
            # a reviewer's code is the one the document speaks of, whatever its row read
            corrected = item.own and own_code is not None and own_code.value and by_reviewer(own_code.evidence, own_code.corrected)
            code = own_code.value if corrected else item.entry.code or (own_code.value if item.own and own_code else None)
            key = code_key(code) or f"?{doc.document}:{i}"
            found.setdefault(key, StandardEvidence(key, str(code) if code else None)).listings.append(item)
    return list(found.values())


def rewarded(claims: ClaimSet, ledger: Ledger) -> dict[str, str]:
    """Standards an earlier award of this applicant already paid for, by code key → which award:
    its `standard_code` (several joined by "; "), its once-only key ("standard:A; B"), or, for
    awards older than both, its project."""
    out: dict[str, str] = {}
    for a in ledger.granted():
        if a.clause_id != "art7.2" or a.credit_code != claims.applicant.credit_code or a.dossier_id == claims.dossier_id:
            continue
        kind, _, names = (a.once_key or "").partition(":")
        named = [a.standard_code or "", names if kind == "standard" else ""]
        codes = [c for text in named for c in re.split(r"[;；|,，]", text) if c.strip()]
        for c in codes or ([a.project] if a.project else []):
            out.setdefault(code_key(c), f"{a.year} 年（{a.dossier_id or '—'}）")
    return out
