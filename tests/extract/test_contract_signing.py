"""A contract's signing date comes from signing cues only (签订/签约/签署日期, "本合同于…签订", the date
of the signature block), never from a payment deadline or a term in the clauses; its number from
any of the usual labels. The lease is fixtures/realdev's 租赁合同_AS20250010 (real text) with the
payment clause leases carry (于…日前支付) and, in turn, each way a signature block dates itself."""
from datetime import date

import pytest

from extract import extract_document
from tests.extract.builders import document, prose

LEASE = [
    "租赁合同", "合同编码：AS20250010",
    "出租方：（以下简称甲方）义乌市融媒体中心", "承租方：（以下简称乙方）义乌广阔传媒有限公司",
    "一、房屋的坐落及面积 甲方将其合法拥有的坐落在义乌市江东东路33号第23层办公用房出租给乙方使用。",
    "三、租赁期限 该房屋租赁期为一年，自2025年5月22日起至2026年5月21日止。",
    "四、租金及支付方式 1、该房屋每年的租金为￥303000元整。",
    "2、乙方应于2025年6月5日前支付首期租金151500元，于2025年11月22日前支付第二期租金151500元。",
    "甲 方：义乌市融媒体中心", "乙 方：义乌广阔传媒有限公司",
]


def _lease(*tail: str):
    return extract_document(document(prose(LEASE + list(tail)), name="lease.pdf"))


def test_a_payment_deadline_is_no_signing_date():
    dc = _lease()
    assert dc.get("signing_date") is None  # no signing cue: no date rather than the last payment's
    assert dc.value("term_start") == date(2025, 5, 22) and dc.value("term_end") == date(2026, 5, 21)


@pytest.mark.parametrize("tail", [["日期：2025年5月21日"], ["2025年5月21日 2025年5月21日"], ["签约日期：2025年5月21日"],
                                  ["本合同于2025年5月21日在义乌签订。"]])
def test_the_signing_date_is_the_signature_blocks_or_the_one_said_signed(tail):
    assert _lease(*tail).value("signing_date") == date(2025, 5, 21)


@pytest.mark.parametrize("label", ["合同编码", "合同编号", "合同号", "协议编号"])
def test_the_usual_number_labels(label):
    rows = [LEASE[0], f"{label}：AS20250010", *LEASE[2:]]
    assert extract_document(document(prose(rows), name="lease.pdf")).value("contract_number") == "AS20250010"


def test_a_seals_words_read_after_a_whole_date_leave_the_date():
    # a generated photo's signature block (fixtures generate --forms photo --seed 11, 0001): the
    # 合同专用章 over the date is read into its box
    assert _lease("日期：2020年3月13日合同专用章").value("signing_date") == date(2020, 3, 13)
    assert _lease("日期：2020年3月1合同专用章").get("signing_date") is None  # the day's last figure under the seal


def test_a_sentence_that_only_looks_like_a_signing_gives_no_date_or_place():
    # "本合同于…起生效 … 另行签订补充协议": the date is when it takes effect, the 签订 a later one's
    dc = _lease("本合同于2025年6月1日起生效，在履行过程中如需变更，双方应另行签订补充协议。")
    assert dc.get("signing_date") is None and dc.get("signing_place") is None


def test_a_capped_expense_is_no_contract_total():
    # no rent stated: the one sum left is a cap on travel costs, not what the contract is worth
    unpriced = [line for line in LEASE if "租金" not in line] + ["乙方差旅费总额不超过5000元。"]
    assert extract_document(document(prose(unpriced), name="lease.pdf")).get("total_amount") is None


# One sentence, 本合同于…[在…]签订, read at two points: naming its place it is as good as a 签订日期
# label; naming only the date it is a fallback that an empty 签订日期 (a seal over it) outranks.
@pytest.mark.parametrize("tail, when, where", [
    (["本合同于2025年5月21日在义乌签订。", "签订日期："], date(2025, 5, 21), "义乌"),
    (["本合同于2025年5月21日签订。", "签订日期："], None, None),
    (["本合同于2025年5月21日签订。"], date(2025, 5, 21), None),
    (["本协议于2025年5月21日在义乌签约。", "签订日期："], date(2025, 5, 21), "义乌"),
    (["本合同于2025年6月1日起生效，在履行过程中如需变更，双方应另行签订补充协议。", "签订日期："], None, None),
], ids=["label-and-place", "label-no-place", "no-label-no-place", "signed-with-qianyue", "takes-effect"])
def test_the_signing_sentence_before_and_after_the_label(tail, when, where):
    dc = _lease(*tail)
    assert (dc.value("signing_date"), dc.value("signing_place")) == (when, where)


def test_a_sentence_without_its_place_is_the_weaker_reading():
    placed = _lease("本合同于2025年5月21日在义乌签订。").get("signing_date")
    bare = _lease("本合同于2025年5月21日签订。").get("signing_date")
    assert placed.value == bare.value == date(2025, 5, 21) and bare.confidence < placed.confidence


# A 补充协议 recalls the contract it amends: "原合同于…在…签订" is that one's signing, not its own.
@pytest.mark.parametrize("tail, when, where", [
    (["原合同于2020年3月1日在杭州签订。", "签订日期："], None, None),
    (["原合同于2020年3月1日在杭州签订。"], None, None),
    (["原合同于2020年3月1日在杭州签订。", "本补充协议于2025年5月21日在义乌签订。"], date(2025, 5, 21), "义乌"),
], ids=["label-empty", "no-label", "its-own-after"])
def test_the_contract_a_supplement_amends_is_not_its_signing(tail, when, where):
    dc = _lease(*tail)
    assert (dc.value("signing_date"), dc.value("signing_place")) == (when, where)
