"""A contract's total as the 技术合同示范文本 states it in its payment article (第四条 报酬及其支付方式,
第五条 …研究开发经费和报酬, 合同价款), with no label naming a total: the largest sum the article
states, its instalments being parts of it; on a text layer and on a phone photo (real OCR)."""
from decimal import Decimal
from pathlib import Path

import pytest

from extract import extract_document
from ingest.cache import NoCache
from ingest.read import read_document
from tests.extract.builders import document, prose

COVER = ["技术服务合同", "项目名称：城市道路桥梁定期检测技术服务", "委托方（甲方）：某某市政工程管理有限公司",
         "受托方（乙方）：某某工程检测技术有限公司"]
PHOTO = Path(__file__).parent / "data" / "photos" / "contract_payment_article.jpg"


def _total(*pages):
    got = extract_document(document(*pages, name="合同.pdf")).get("total_amount")
    return got.value if got is not None else None


@pytest.mark.parametrize("article", [
    ["第四条 报酬及其支付方式：甲方支付乙方技术服务报酬￥113175元，一次性支付。"],
    ["第四条 技术服务报酬及其支付方式", "￥113175", "合同签订后支付30%即￥33952.50元，验收后支付余款。"],
    ["第四条 报酬及其支付方式", "甲方应向乙方支付人民币113175元。", "第五条 违约责任：每逾期一日支付违约金人民币500000元。"],
    ["第四条 技术服务报酬及其支付方式", "技术服务报酬：人民币壹拾壹万叁仟壹佰柒拾伍元整。"],
    ["第五条 甲方向乙方支付技术咨询报酬及支付方式为：", "1．技术咨询费总额为：113175元"],
])
def test_the_sum_of_the_payment_article(article):
    assert _total(prose(COVER + article)) == Decimal("113175.00")


@pytest.mark.slow
def test_the_payment_article_photographed(tmp_path):
    # a 技术服务合同 of the model text in our wording, rendered by fixtures/realforms.py and
    # photographed by fixtures/generator/photo.py, cropped to 第三条…第五条 (data/photos/README.md)
    photo = read_document(PHOTO, "c" * 64, PHOTO.name, cache=NoCache(), render_dir=tmp_path).pages[0]
    assert _total(prose(COVER), photo.model_copy(update={"number": 2})) == Decimal("113175.00")
