import datetime as dt
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.nlp import LABELS, SPAN_KEY, Entity, entities, find_orgs, nlp
from extract.normalise.codes import StandardCode

INVOICE = (
    "北京增值税电子普通发票 发票代码:011002000511 发票号码:36523185 开票日期:2020年10月30日 "
    "购买方 名称:北京华亿创新信息技术有限公司 纳税人识别号:91110108749364121L "
    "价税合计(大写) ⊗壹佰零肆圆壹角贰分 (小写)¥104.12 "
    "销售方 名称:北京滴滴出行科技有限公司 纳税人识别号:91110108MA01G0FB09"
)
CONTRACT = (
    "本合同由广州中心城建有限公司与中国信息通信研究院于二〇一九年三月九日签订，"
    "合同总金额为人民币伍拾万元整（¥500,000.00），首付30%即15万元。"
)
NOTICE = (
    "T/CAICT 001-2021《工业互联网平台 评价方法》已于2021年5月1日发布，2021-06-01实施，"
    "代替YD/T 3000-2016，与ISO/IEC 27001:2013一致。主要起草单位：华为技术有限公司、广州XX（集团）有限公司广州分公司。"
)


def found(text):
    return [(e.label, e.text, e.value) for e in entities(text)]


def test_invoice_entities():
    assert found(INVOICE) == [
        ("INVOICE_CODE", "011002000511", "011002000511"),
        ("INVOICE_NUMBER", "36523185", "36523185"),
        ("DATE", "2020年10月30日", dt.date(2020, 10, 30)),
        ("ORG", "北京华亿创新信息技术有限公司", "北京华亿创新信息技术有限公司"),
        ("CREDIT_CODE", "91110108749364121L", "91110108749364121L"),
        ("MONEY_WORDS", "壹佰零肆圆壹角贰分", Decimal("104.12")),
        ("MONEY", "¥104.12", Decimal("104.12")),
        ("ORG", "北京滴滴出行科技有限公司", "北京滴滴出行科技有限公司"),
        ("CREDIT_CODE", "91110108MA01G0FB09", "91110108MA01G0FB09"),
    ]


def test_contract_entities():
    assert found(CONTRACT) == [
        ("ORG", "广州中心城建有限公司", "广州中心城建有限公司"),
        ("ORG", "中国信息通信研究院", "中国信息通信研究院"),
        ("DATE", "二〇一九年三月九日", dt.date(2019, 3, 9)),
        ("MONEY_WORDS", "伍拾万元整", Decimal("500000.00")),
        ("MONEY", "¥500,000.00", Decimal("500000.00")),
        ("MONEY", "15万元", Decimal("150000.00")),
    ]


def test_notice_entities():
    ents = entities(NOTICE)
    codes = [e.value for e in ents if e.label == "STD_CODE"]
    assert [(c.code, c.level) for c in codes] == [
        ("T/CAICT 001-2021", "group"), ("YD/T 3000-2016", "industry"), ("ISO/IEC 27001:2013", "international"),
    ]
    assert all(isinstance(c, StandardCode) for c in codes)
    assert [e.value for e in ents if e.label == "DATE"] == [dt.date(2021, 5, 1), dt.date(2021, 6, 1)]
    assert [e.value for e in ents if e.label == "ORG"] == ["华为技术有限公司", "广州XX（集团）有限公司广州分公司"]


def test_offsets_index_the_original_text():
    text = "金额：￥１，２３４．５０元　日期：２０１９年３月１９日　标准：ＧＢ／Ｔ　３９２０４－２０２２"
    ents = entities(text)
    assert [e.label for e in ents] == ["MONEY", "DATE", "STD_CODE"]
    for e in ents:
        assert text[e.start : e.end] == e.text
    assert ents[2].value.code == "GB/T 39204-2022"


def test_doc_carries_spans_and_non_overlapping_ents():
    doc = nlp()(CONTRACT)
    spans = doc.spans[SPAN_KEY]
    assert {sp.label_ for sp in spans} == {"ORG", "DATE", "MONEY", "MONEY_WORDS"}
    assert all(sp._.value is not None for sp in spans)
    ends = [(e.start, e.end) for e in doc.ents]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))
    assert "dossier_entities" in nlp().pipe_names


def test_pipeline_is_built_once():
    assert nlp() is nlp()


def test_jieba_segmenter_is_used():
    assert nlp().tokenizer.segmenter == "jieba"


@pytest.mark.parametrize("text", ["", "   ", "没有任何实体的一句话。", None])
def test_nothing_to_find(text):
    assert entities(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("甲方：广州XX科技股份有限公司", ["广州XX科技股份有限公司"]),
        ("乙方广州XX科技有限责任公司", ["广州XX科技有限责任公司"]),  # colon lost by OCR
        ("中国信息通信研究院牵头起草", ["中国信息通信研究院"]),
        ("华南理工大学和广东省工业互联网产业联盟", ["华南理工大学", "广东省工业互联网产业联盟"]),
        ("广州市工业互联网协会及广州开发区政务服务中心", ["广州市工业互联网协会", "广州开发区政务服务中心"]),
        ("某某研究院有限公司", ["某某研究院有限公司"]),
        ("中华人民共和国工业和信息化部发布", ["中华人民共和国工业和信息化部"]),
        ("广州市黄埔区工业和信息化局、广州开发区经济和信息化局：", ["广州市黄埔区工业和信息化局", "广州开发区经济和信息化局"]),
        ("本办法由区工业和信息化局负责解释", ["区工业和信息化局"]),
        ("广州市黄埔区人民政府办公室", ["广州市黄埔区人民政府办公室"]),
        ("本单位广州星河智能装备股份有限公司（统一社会信用代码", ["广州星河智能装备股份有限公司"]),
        ("承诺单位（盖章）广州星河智能装备股份有限公司", ["广州星河智能装备股份有限公司"]),
        ("广州XX部件有限公司", ["广州XX部件有限公司"]),
        ("承诺书\n本单位广州星河智能装备股份有限公司（统一社会信用代码", ["广州星河智能装备股份有限公司"]),
        ("经纬恒润科技有限公司", ["经纬恒润科技有限公司"]),
        ("依据国家税务总局公告", ["国家税务总局"]),  # a name may open with a function word
        ("全部完成，新格局", []),  # 部/局 without a national or regional marker
        ("本公司承诺", []),
        ("公司", []),
    ],
)
def test_find_orgs(text, expected):
    assert [name for name, _, _ in find_orgs(text)] == expected


def test_entity_model_round_trips():
    e = entities("¥104.12")[0]
    assert e == Entity(label="MONEY", text="¥104.12", start=0, end=7, value=Decimal("104.12"))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789年月日¥.,-/ 壹贰圆角分整有限公司GBT:ISO号码代码\n")), max_size=60))
def test_any_text_gives_entities_whose_offsets_hold(text):
    for e in entities(text):
        assert e.label in LABELS
        assert text[e.start : e.end] == e.text and e.start < e.end


def test_every_span_keeps_its_own_value():
    text = INVOICE + CONTRACT + NOTICE + " 纳税人识别号： 91320211MAJER5XY3H"
    doc = nlp()(text)
    by_key = {(e.label, e.start, e.end): e.value for e in doc._.dossier_entities}
    for span in doc.spans[SPAN_KEY]:
        start, end = span._.offsets
        assert by_key[(span.label_, start, end)] == span._.value
        assert span.start_char <= start < end <= span.end_char
    assert [e.label for e in entities("91320211MAJER5XY3H")] == ["CREDIT_CODE"]


def test_long_text_stays_linear():
    # A 40-page dossier's text: the pipeline once re-read doc.text per entity (quadratic).
    text = "¥1,234.56元 2019年3月9日 GB/T 39204-2022 广州某某科技有限公司 " * 1000
    entities("warm up")
    started = time.perf_counter()
    found = entities(text)
    assert len(found) == 4000
    assert time.perf_counter() - started < 8
