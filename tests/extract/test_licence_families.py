"""Licences in their real families: the paper 副本, the 电子营业执照 print, a 个人独资企业's.
The pages are OCR boxes at the coordinates rapidocr gave on the real licences in
shared/realdocs (text as read, including its slips)."""
from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.models import Box, Line
from extract import extract_document
from extract.families import detect
from ingest.cache import NoCache
from ingest.read import read_document
from tests.extract.builders import OCR, document, page


def boxes(*cells: tuple[str, float, float, float, float]):
    return page([Line(text=t, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), confidence=0.99) for t, x0, y0, x1, y1 in cells],
                source=OCR, width=5000, height=3500)


def values(dc) -> dict:
    return {c.field: c.value for c in dc.claims}


# 电子营业执照 (米创想科技（佛山）): 名/类 read as one box "名类", 称 glued to the name, 所 glued
# to an address that wraps under its own text, the closing bracket lost at the line's end.
E_LICENCE = [
    ("统一社会信用代码", 485, 1101, 1208, 1183), ("电子营业执照文件仅供信", 4168, 1151, 4588, 1206),
    ("91440606MADQXEQG9G", 488, 1216, 1203, 1273), ("营业执照", 1498, 944, 3485, 1500),
    ("名类", 475, 1632, 598, 1926), ("称米创想科技（佛山）有限公司", 863, 1642, 2119, 1749),
    ("注册资本伍拾万元人民币", 2784, 1649, 3912, 1747),
    ("型有限责任公司（自然人投资或控股）", 863, 1814, 2236, 1906), ("成立日期2024年07月13日", 2789, 1814, 3917, 1913),
    ("法定代表人张俊文", 493, 1986, 1256, 2078), ("住", 2787, 1981, 2892, 2083),
    ("所佛山市顺德区容桂街道海尾社区", 3164, 1983, 4505, 2083), ("合祥路26号首层之七（住所申报", 3322, 2088, 4505, 2163),
    ("经营范围", 483, 2145, 968, 2252), ("一般项目：机械设备研发；智能机器人的研发；厨具卫具及日用", 991, 2128, 2647, 2220),
    ("登记机关", 3262, 2778, 3815, 2878), ("2、数字签名：ADBGAiEA2Y", 438, 3035, 1048, 3084),
]

# 个人独资企业 e-licence (上海毅嘉享文化传播工作室): 投资人 and 出资额, 住 and 所 in boxes of their own rows.
SOLE = [
    ("电子营业执照文件仅供信", 1459, 408, 1607, 426), ("统一社会信用代码", 162, 389, 417, 419),
    ("营业执照", 526, 342, 1211, 524), ("91310120MACWUMH0XQ", 162, 427, 426, 453),
    ("出资额人民币3.0000万元整", 971, 577, 1428, 617), ("称上海毅嘉享文化传播工作室", 297, 584, 701, 614),
    ("成立日期2023年09月12日", 974, 641, 1370, 674), ("名类投", 158, 577, 202, 713),
    ("型个人独资企业", 296, 641, 524, 675), ("所上海市奉贤区平庄西路1599号", 1104, 700, 1550, 734),
    ("住", 974, 699, 1013, 734), ("投资人杨善祥", 162, 695, 437, 739),
    ("经营范围一般项目：组织文化艺术交流活动；广告设计、代理；广告发布", 158, 741, 929, 799),
    ("2、数字签名：ADBEAiAX3QhLmhnzmxID", 146, 1071, 461, 1089),
]

# paper 副本 (南京文化艺术产权交易所), photographed: 所 lost, the address right of a lone 住.
PAPER = [
    ("营业执照", 154, 208, 444, 274), ("（副本）", 263, 280, 336, 305),
    ("名", 100, 348, 116, 366), ("称南京文化艺术产权交易所有限公司", 165, 349, 399, 378),
    ("类", 97, 368, 116, 389), ("型有限责任公司", 165, 372, 280, 396),
    ("住", 96, 391, 115, 411), ("南京市栖霞区马群街道紫东路1号", 190, 398, 390, 416),
    ("法定代表人高华军", 94, 413, 238, 439), ("注册资本3000万元整", 91, 436, 266, 462),
    ("成立日期2011年08月10日", 92, 460, 290, 482), ("统一社会信用代码91320113580452133T", 92, 320, 400, 340),
]


def test_families_are_told_apart():
    text = lambda cells: "\n".join(c[0] for c in cells)  # noqa: E731
    assert detect("business_licence", text(E_LICENCE)).id == "electronic"
    assert detect("business_licence", text(SOLE)).id == "sole_proprietorship"
    assert detect("business_licence", text(PAPER)).id == "paper_copy"


def test_electronic_licence_with_spread_labels_and_a_wrapped_address():
    got = values(extract_document(document(boxes(*E_LICENCE))))
    assert got["company_name"] == "米创想科技(佛山)有限公司"
    assert got["address"] == "佛山市顺德区容桂街道海尾社区合祥路26号首层之七(住所申报)"
    assert got["credit_code"] == "91440606MADQXEQG9G" and got["established_date"] == date(2024, 7, 13)
    assert got["registered_capital"] == Decimal("500000.00")


def test_sole_proprietorship_reads_its_capital_from_the_investors_contribution():
    got = values(extract_document(document(boxes(*SOLE))))
    assert got["company_name"] == "上海毅嘉享文化传播工作室"
    assert got["registered_capital"] == Decimal("30000.00")
    assert got["address"] == "上海市奉贤区平庄西路1599号"
    assert got["credit_code"] == "91310120MACWUMH0XQ" and got["established_date"] == date(2023, 9, 12)


def test_paper_copy_address_beside_a_lone_first_character():
    got = values(extract_document(document(boxes(*PAPER))))
    assert got["company_name"] == "南京文化艺术产权交易所有限公司"
    assert got["address"] == "南京市栖霞区马群街道紫东路1号"
    assert got["registered_capital"] == Decimal("30000000.00")


def test_address_over_three_lines():
    cells = [c for c in E_LICENCE if not c[0].startswith(("所佛山", "合祥路"))] + [
        ("所佛山市顺德区容桂街道海尾社区", 3164, 1983, 4505, 2083), ("合祥路26号首层之七新城", 3322, 2088, 4400, 2163),
        ("创意园B座1201室", 3322, 2170, 4100, 2245)]
    got = values(extract_document(document(boxes(*cells))))
    assert got["address"] == "佛山市顺德区容桂街道海尾社区合祥路26号首层之七新城创意园B座1201室"


def test_an_overprint_read_into_a_value_is_cut_out_and_flagged():
    cells = [("复印无效" if c[0] == "营业执照" else c[0], *c[1:]) for c in PAPER]
    cells = [("称南京文化艺术仅供存档产权交易所有限公司", *c[1:]) if c[0].startswith("称南京") else c for c in cells]
    dc = extract_document(document(boxes(("营业执照", 154, 150, 444, 200), *cells)))
    name = dc.get("company_name")
    assert name.value == "南京文化艺术产权交易所有限公司"
    assert [f.code for f in name.flags] == ["overprint"] and name.confidence < 0.9


@pytest.mark.parametrize("stamp", ["与原件相符", "仅供黄埔区工业互联网项目申报使用", "他用无效",
                                   "仅供办理高新补贴申报使用"])  # 仅供办理 is also a fixed word: the stamp goes whole
def test_an_applicant_s_own_stamp_on_the_copy_is_cut_out_and_flagged(stamp):
    """The words a dossier's copies carry (与原件相符, 仅供…申报使用) read into a value, as
    仅供存档 is."""
    cells = [("称南京文化艺术" + stamp + "产权交易所有限公司", *c[1:]) if c[0].startswith("称南京") else c for c in PAPER]
    name = extract_document(document(boxes(*cells))).get("company_name")
    assert name.value == "南京文化艺术产权交易所有限公司" and [f.code for f in name.flags] == ["overprint"]


REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"
SOLE_JPG = REALDOCS / "webcanf_jiyaoteam__电子营业执照_个人独资企业_上海毅嘉享.jpg"


@pytest.mark.slow  # one real OCR of a real licence
@pytest.mark.skipif(not SOLE_JPG.is_file(), reason="shared/realdocs not found")
def test_real_sole_proprietorship_e_licence_read_by_ocr():
    # through the session home's OCR cache: test_real_families and test_ingest_realdocs read this
    # very file, so its real OCR is paid once a session, by whichever test comes first
    doc = read_document(SOLE_JPG, hashlib.sha256(SOLE_JPG.read_bytes()).hexdigest(), SOLE_JPG.name)
    got = values(extract_document(doc))
    assert got["company_name"] == "上海毅嘉享文化传播工作室" and got["credit_code"] == "91310120MACWUMH0XQ"
    assert got["address"] == "上海市奉贤区平庄西路1599号" and got["registered_capital"] == Decimal("30000.00")
    assert got["established_date"] == date(2023, 9, 12)


@pytest.mark.parametrize("seed", [3, 11])
def test_generated_electronic_print_under_its_slanted_watermark(tmp_path, seed):
    """The 电子营业执照 print's text layer with 电子营业执照 tiled at 30° over it: the slanted
    glyphs are no text, and none is glued into the name they cross."""
    import random

    from fixtures.generator.corporate import make_family_licence

    rng = random.Random(seed)
    lic = make_family_licence(rng, "electronic")
    path = tmp_path / "licence.pdf"
    path.write_bytes(lic.pdf(rng))
    doc = read_document(path, hashlib.sha256(path.read_bytes()).hexdigest(), path.name, cache=NoCache(), render_dir=tmp_path)
    got = values(extract_document(doc))
    assert got["company_name"] == lic.company.name.replace("（", "(").replace("）", ")")
    assert got["address"] == lic.company.address.replace("（", "(").replace("）", ")")
    assert got["credit_code"] == lic.company.credit_code and got["established_date"] == lic.established


def test_a_name_an_overprint_split_is_not_given_as_read():
    """A red 仅供存档 box stamped over the middle of the name (rendered and read by rapidocr, as
    tests/extract/test_under_seals.py does): OCR splits the line in two, the stamp garbling the
    second piece. The first piece does not end as an organisation's name, the piece beside it on
    its row does: the name goes on past what was read — flagged, and sent to a reviewer."""
    cells = [c for c in PAPER if not c[0].startswith("称南京")] + [
        ("称南京文化艺", 165, 349, 262, 378), ("艺俊构荐有限公司", 250, 346, 399, 381)]  # the boxes overlap, as OCR gave them
    doc = document(boxes(*cells))
    dc = extract_document(doc)
    name = dc.get("company_name")
    assert "name_cut" in [f.code for f in name.flags] and name.confidence < 0.8
    # the checks run again after a correction elsewhere in the dossier: the flag stays
    from core.models import ClaimSet
    from extract.recheck import recheck

    again = recheck(ClaimSet(dossier_id="d", documents=[dc]), {dc.document: doc}).documents[0].get("company_name")
    assert [f.code for f in again.flags] == ["name_cut"] and again.confidence < 0.8
    whole = extract_document(document(boxes(*PAPER))).get("company_name")
    assert not whole.flags and whole.confidence >= 0.8  # a whole name is left alone
