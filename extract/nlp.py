"""A rule-based spaCy pipeline that tags the entities a dossier is made of.

Jieba splits codes and figures ("GB/T 39204-2022" → GB / T 39204 - 2022), so the rules run as
regular expressions over ``doc.text`` (through the pure normalisers) and are mapped back onto
tokens with ``doc.char_span(..., alignment_mode="expand")``. Every span carries its normalised
value in ``span._.value`` and its exact character offsets in ``span._.offsets``; all spans live
in ``doc.spans["dossier"]`` (overlaps allowed), the longest non-overlapping ones in ``doc.ents``,
and the exact entities (pydantic ``Entity``) in ``doc._.dossier_entities``.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
from functools import lru_cache
from typing import Any, Callable, Iterable

from pydantic import BaseModel, ConfigDict

from extract.normalise.codes import (
    find_credit_codes,
    find_invoice_codes,
    find_invoice_numbers,
    find_standard_code_spans,
    find_tax_ids,
)
from extract.normalise.dates import find_dates
from extract.normalise.money import find_money

SPAN_KEY = "dossier"
ENTITIES_ATTR = "dossier_entities"
LABELS = (
    "MONEY",
    "MONEY_WORDS",
    "DATE",
    "CREDIT_CODE",
    "TAX_ID",
    "INVOICE_CODE",
    "INVOICE_NUMBER",
    "STD_CODE",
    "ORG",
)


class Entity(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    label: str
    text: str
    start: int  # character offsets into the text given to entities()
    end: int
    value: Any = None


# ---------------------------------------------------------------- organisations

_NAME_CHAR = r"[\u4e00-\u9fffA-Za-z0-9（）()·&]"
_ORG_SUFFIX = re.compile(
    "股份有限公司|有限责任公司|有限公司|分公司|公司|研究院|研究所|研究中心|实验室|大学|学院|协会|学会"
    "|联盟|中心|集团|委员会|事务所|医院|银行|人民政府|办公室|总局|部|局|厅|署"
)
# Government suffixes are common words ("全部", "格局"): they make a name only after a
# national or regional marker ("中华人民共和国工业和信息化部", "广东省市场监督管理局").
_GOV_SUFFIXES = ("人民政府", "办公室", "总局", "部", "局", "厅", "署")
_GOV_MARKER = re.compile("中华人民共和国|国家|国务院|省|市|区|县|州|自治区")
_NAME_RUN = re.compile(f"{_NAME_CHAR}+")
# Labels and clause openers OCR glues to the front of a name when the colon is lost.
_LEADING_LABEL = re.compile(
    "(?:依据|根据|按照|参照|本合同|本协议|本办法|本通知|本标准|本项目|兹有|兹|特此|由|委托方|受托方|甲方|乙方|丙方|购买方|销售方|购方|销方|名称|企业名称"
    "|公司名称|纳税人名称|申请单位|申请人|主要起草单位|牵头起草单位|牵头单位|起草单位|参与单位|单位|收款单位"
    "|付款单位|开户名|户名|本单位|本企业|本公司|承诺单位|承诺人|申报单位|盖章|（盖章）|\\(盖章\\))+"
)
_CONNECTOR = "与和及同跟暨或"
_MIN_NAME = 2  # characters before the suffix


def _is_name(name: str) -> bool:
    suffix = next((m for m in _ORG_SUFFIX.finditer(name) if m.end() == len(name)), None)
    if suffix is None or suffix.start() < _MIN_NAME or len(name) > 60:
        return False
    if suffix.group(0) in _GOV_SUFFIXES:
        return bool(_GOV_MARKER.search(name, 0, suffix.start()))
    return True


def find_orgs(text: str) -> list[tuple[str, int, int]]:
    """Organisation names ending in 有限公司/研究院/大学/协会/联盟/中心…, with spans.

    A run of name characters is cut into names only where a connector (与/和/及…) follows a
    suffix, so '…研究院有限公司' and '广州中心城建有限公司' stay whole."""
    found: list[tuple[str, int, int]] = []
    for run in _NAME_RUN.finditer(text or ""):
        ends = [m.end() + run.start() for m in _ORG_SUFFIX.finditer(run.group(0))]
        seg_start = run.start()
        for i, end in enumerate(ends):
            last = i == len(ends) - 1
            if not last and text[end] not in _CONNECTOR:
                continue
            start = seg_start
            if start > run.start() and text[start] in _CONNECTOR:
                start += 1
            label = _LEADING_LABEL.match(text, start, end)
            if label:
                start = label.end()
            name = text[start:end]
            if _is_name(name):
                found.append((name.replace("(", "（").replace(")", "）"), start, end))
            seg_start = end
    return found


# ---------------------------------------------------------------- the pipeline


def _money(text: str) -> Iterable[tuple[str, Any, int, int]]:
    for value, start, end in find_money(text):
        label = "MONEY" if any(c.isdigit() for c in text[start:end]) else "MONEY_WORDS"
        yield label, value, start, end


def _tagged(label: str, finder: Callable[[str], list[tuple[Any, int, int]]]):
    def run(text: str) -> Iterable[tuple[str, Any, int, int]]:
        for value, start, end in finder(text):
            yield label, value, start, end

    return run


FINDERS: tuple[Callable[[str], Iterable[tuple[str, Any, int, int]]], ...] = (
    _money,
    _tagged("DATE", find_dates),
    _tagged("CREDIT_CODE", find_credit_codes),
    _tagged("TAX_ID", find_tax_ids),
    _tagged("INVOICE_CODE", find_invoice_codes),
    _tagged("INVOICE_NUMBER", find_invoice_numbers),
    _tagged("STD_CODE", find_standard_code_spans),
    _tagged("ORG", find_orgs),
)


def _entity_of(span) -> Entity | None:
    # Keyed by label and token-aligned offsets: span extensions with plain defaults are keyed
    # by offsets alone in spaCy, so two labels on the same token would overwrite each other.
    return span.doc.user_data.get((SPAN_KEY, span.label_, span.start_char, span.end_char))


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans

    Doc.set_extension(ENTITIES_ATTR, default=None, force=True)
    Span.set_extension("value", getter=lambda sp: getattr(_entity_of(sp), "value", None), force=True)
    Span.set_extension(
        "offsets", getter=lambda sp: (e.start, e.end) if (e := _entity_of(sp)) else None, force=True
    )

    if "dossier_entities" in Language.factories:
        return

    @Language.component("dossier_entities")
    def dossier_entities(doc):
        text = doc.text  # spaCy rebuilds doc.text from the tokens on every access
        found = sorted(
            (Entity(label=label, text=text[start:end], start=start, end=end, value=value)
             for finder in FINDERS for label, value, start, end in finder(text)),
            key=lambda e: (e.start, -e.end),
        )
        spans = []
        for entity in found:
            span = doc.char_span(entity.start, entity.end, label=entity.label, alignment_mode="expand")
            if span is None:
                continue
            doc.user_data.setdefault((SPAN_KEY, entity.label, span.start_char, span.end_char), entity)
            spans.append(span)
        doc._.set(ENTITIES_ATTR, found)
        doc.spans[SPAN_KEY] = spans
        doc.ents = filter_spans(spans)
        return doc


@lru_cache(maxsize=1)
def nlp():
    """The blank Chinese pipeline (jieba segmenter) with the dossier entity rules; built once."""
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    # jieba caches its dictionary in the temp dir; keep it in one place the process may write.
    jieba.dt.tmp_dir = os.environ.get("DOSSIER_JIEBA_CACHE", tempfile.gettempdir())
    _register()
    language = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    language.add_pipe("dossier_entities")
    return language


def entities(text: str) -> list[Entity]:
    """Every entity the rules find in the text, in order, overlaps included."""
    if not text or not isinstance(text, str):
        return []
    return list(nlp()(text)._.get(ENTITIES_ATTR))
