"""What kind of document is this? Weighted evidence from titles (fuzzy, OCR-tolerant),
supporting cue words and structured tags, never a single keyword."""
from __future__ import annotations

import re

from pydantic import BaseModel, Field

from core.models import DocType, Document, Evidence
from extract.families import detect
from extract.fields.base import PageView, tag_evidence, views
from extract.layout import fuzzy_find, norm

# Titles: (text, subtype). Longer, more specific titles are tried first.
TITLES: dict[DocType, list[tuple[str, str | None]]] = {
    DocType.invoice: [
        ("电子发票(增值税专用发票)", "数电票"),
        ("电子发票(普通发票)", "数电票"),
        ("增值税电子普通发票", "电子普通发票"),
        ("增值税电子专用发票", "专票"),
        ("增值税专用发票", "专票"),
        ("增值税普通发票", "普票"),
        ("电子发票", None),
    ],
    DocType.receipt: [("电子货票", None), ("收款凭证", None), ("电子报销凭证", None), ("收据", None)],
    # notices, the standard's own cover, and ISO/IEC/ITU pages (extract/families/standard_notice/)
    DocType.standard_notice: [
        ("中华人民共和国国家标准", None), ("推荐性国家标准", None), ("标准发布公告", None), ("标准的公告", None),
        ("批准发布", None), ("关于发布", None), ("INTERNATIONAL STANDARD", None), ("International Standard", None),
        ("Recommendation ITU-T", None), ("Recommendation ITU-R", None), ("国家标准", None), ("行业标准", None), ("地方标准", None), ("团体标准", None),
    ],
    DocType.business_licence: [("营业执照", None)],
    DocType.commitment_letter: [("承诺书", None), ("承诺函", None)],
    DocType.capital_verification: [("验资报告", None), ("实缴出资证明", None), ("实缴资本", None)],
    DocType.contract: [("合同书", None), ("合同", None), ("协议书", None), ("协议", None)],
}

CUES: dict[DocType, list[str]] = {
    DocType.invoice: ["发票代码", "发票号码", "价税合计", "纳税人识别号", "开票日期", "开票人", "校验码", "机器编号", "税额", "税率"],
    DocType.receipt: ["收款", "费用合计", "托运人", "承运人", "收款单位"],
    DocType.contract: ["甲方", "乙方", "签订", "合同编号", "违约", "争议", "双方", "有效期", "签字"],
    DocType.standard_notice: ["标准编号", "标准名称", "实施日期", "发布日期", "起草单位", "代替标准号", "标准化", "前言", "归口",
                              "ICS", "现予公告", "项行业标准", "Publication date", "ISO/IEC", "ITU-T", "ITU-R",
                              "Reference number", "edition"],
    DocType.business_licence: ["统一社会信用代码", "法定代表人", "注册资本", "成立日期", "营业期限", "经营范围", "登记机关", "住所"],
    DocType.commitment_letter: ["承诺", "郑重承诺", "不迁出", "十年", "不减少注册资本", "法律责任"],
    DocType.capital_verification: ["实收资本", "验资", "出资", "会计师事务所", "注册资本", "货币出资"],
}

INVOICE_TAGS = ("InvoiceNo", "InvoiceCode", "TaxInclusiveTotalAmount", "SellerTaxID", "qr.invoice_number")
TITLE_WEIGHT, CUE_WEIGHT, TAG_WEIGHT, FAMILY_WEIGHT = 5.0, 1.0, 10.0, 2.0
MAX_FAMILY_CUES = 3
MAX_CUES = 6
_DIGITS20 = re.compile(r"(?<!\d)\d{20}(?!\d)")


class Classification(BaseModel):
    doc_type: DocType = DocType.other
    subtype: str | None = None
    confidence: float = 0.0
    evidence: list[Evidence] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)


def _title_hits(view: PageView, top_rows: int) -> list[tuple[DocType, str | None, float, Evidence]]:
    """Title matches; a title in the top rows of page 1 counts fully, elsewhere half."""
    out = []
    for i, row in enumerate(view.rows):
        weight = 1.0 if (view.page.number == 1 and i < top_rows) else 0.5
        for doc_type, titles in TITLES.items():
            # the best title of this type on this row, the more specific first among equals:
            # "增值税电子专用发票" also reads as "增值税电子普通发票" with two slips
            best = None
            for title, subtype in titles:
                hits = fuzzy_find(row.string, norm(title))
                if hits:
                    s, e, score = max(hits, key=lambda h: h[2])
                    if best is None or score > best[0]:
                        best = (score, title, subtype, s, e)
                    if score == 1.0:
                        break
            if best is not None:
                score, title, subtype, s, e = best
                out.append((doc_type, subtype, score * weight * (1 + len(title) / 40), view.cell_evidence(row.span(s, e))))
    return out


def _cue_evidence(pages: list[PageView], cue: str) -> Evidence | None:
    for view in pages:
        for row in view.rows:
            i = row.string.find(cue)
            if i >= 0:
                return view.cell_evidence(row.span(i, i + len(cue)))
    return None


def classify(doc: Document) -> Classification:
    pages = views(doc)
    if not pages:
        return Classification()
    scores: dict[DocType, float] = {t: 0.0 for t in DocType}
    evidence: dict[DocType, list[Evidence]] = {t: [] for t in DocType}
    subtypes: list[tuple[float, str]] = []

    for page in doc.pages:
        for key in INVOICE_TAGS:
            if page.tags.get(key):
                scores[DocType.invoice] += TAG_WEIGHT
                evidence[DocType.invoice].append(tag_evidence(doc, page, key, page.tags[key][0]))
                break

    best_title: dict[DocType, float] = {}
    for view in pages[:3]:
        for doc_type, subtype, score, ev in _title_hits(view, top_rows=6):
            if score > best_title.get(doc_type, 0):
                best_title[doc_type] = score
                evidence[doc_type].insert(0, ev)
            if subtype:
                subtypes.append((score, subtype))
    for doc_type, score in best_title.items():
        scores[doc_type] += TITLE_WEIGHT * score

    for doc_type, cues in CUES.items():
        found = 0
        for cue in cues:
            ev = _cue_evidence(pages, norm(cue))
            if ev is not None:
                found += 1
                if found <= 3:
                    evidence[doc_type].append(ev)
        scores[doc_type] += CUE_WEIGHT * min(found, MAX_CUES)

    # A standard's family (extract/families/standard_notice/) recognised by its own cues:
    # an ISO catalogue page or an ITU cover has no Chinese title to find.
    family = detect(DocType.standard_notice.value, doc.text)
    if family is not None:
        scores[DocType.standard_notice] += FAMILY_WEIGHT * min(family.score(norm(doc.text)) or 0.0, MAX_FAMILY_CUES)

    # A receipt's title outranks invoice-like cue words (a 收款凭证 also shows 纳税人识别号),
    # and an invoice needs a title or tags, not cues alone.
    if best_title.get(DocType.receipt, 0) >= 0.8 and best_title.get(DocType.invoice, 0) < 0.8:
        scores[DocType.invoice] = min(scores[DocType.invoice], scores[DocType.receipt] - 1)

    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 3.0:
        return Classification(confidence=round(1 - top / 3.0, 3), scores={k.value: v for k, v in scores.items()})
    confidence = min(1.0, top / 10.0) * (top / (top + second))
    subtype = _invoice_subtype(doc, subtypes) if best == DocType.invoice else None
    return Classification(
        doc_type=best,
        subtype=subtype,
        confidence=round(min(1.0, 0.5 + confidence), 3),
        evidence=evidence[best][:6],
        scores={k.value: v for k, v in scores.items()},
    )


def _invoice_subtype(doc: Document, title_subtypes: list[tuple[float, str]]) -> str | None:
    for page in doc.pages:
        kind = " ".join(page.tags.get("InvoiceType", []))
        number = (page.tags.get("InvoiceNo") or [""])[0]
        if "电子发票" in kind or len(number.strip()) == 20:
            return "数电票"
    text = norm(doc.text)
    # 数电票 carry a 20-digit 发票号码 and no 发票代码
    if _DIGITS20.search(text) and "发票代码" not in text and "发票号码" in text:
        return "数电票"
    if title_subtypes:
        return max(title_subtypes, key=lambda s: s[0])[1]
    return None
