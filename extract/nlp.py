"""A rule-based spaCy pipeline that tags the entities a dossier is made of.

Jieba splits codes and figures ("GB/T 39204-2022" → GB / T 39204 - 2022), so the rules run as
regular expressions over ``doc.text`` (through the pure normalisers) and are mapped back onto
tokens with ``doc.char_span(..., alignment_mode="expand")``. Every span carries its normalised
value in ``span._.value`` and its exact character offsets in ``span._.offsets``; all spans live
in ``doc.spans["dossier"]`` (overlaps allowed) and the longest non-overlapping ones in ``doc.ents``.
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
    "|联盟|中心|集团|委员会|事务所|医院|银行"
)
_NAME_RUN = re.compile(f"{_NAME_CHAR}+")
# Labels and clause openers OCR glues to the front of a name when the colon is lost.
_LEADING_LABEL = re.compile(
    "^(?:本合同|本协议|兹有|兹|特此|经|由|委托方|受托方|甲方|乙方|丙方|购买方|销售方|购方|销方|名称|企业名称"
    "|公司名称|纳税人名称|申请单位|申请人|主要起草单位|牵头起草单位|牵头单位|起草单位|参与单位|单位|收款单位"
    "|付款单位|开户名|户名)+"
)
_CONNECTOR = "与和及同跟暨或"
_MIN_NAME = 2  # characters before the suffix


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
            suffix = _ORG_SUFFIX.search(name)
            if suffix and suffix.start() >= _MIN_NAME and len(name) <= 60:
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


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Span
    from spacy.util import filter_spans

    for name in ("value", "offsets"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)

    if "dossier_entities" in Language.factories:
        return

    @Language.component("dossier_entities")
    def dossier_entities(doc):
        spans = []
        for finder in FINDERS:
            for label, value, start, end in finder(doc.text):
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                if span is None:
                    continue
                span._.value = value
                span._.offsets = (start, end)
                spans.append(span)
        spans.sort(key=lambda sp: (sp._.offsets[0], -sp._.offsets[1]))
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
    doc = nlp()(text)
    return [
        Entity(label=sp.label_, text=text[sp._.offsets[0] : sp._.offsets[1]], start=sp._.offsets[0],
               end=sp._.offsets[1], value=sp._.value)
        for sp in doc.spans[SPAN_KEY]
    ]
