"""A 起草单位 list ends where its section ends (issue 8): a standard's page on a platform or a
standards website prints it without its 。 and goes on with 标准简介, a 相似标准 list and the
site's footer; a 前言 whose 。 was lost goes on with 主要起草人 or the next clause. Those lines
are the next thing on the page, never more units; a name wrapped over lines stays whole. The
standards a page lists as similar are not standards it publishes."""
import hashlib
import json

import pytest

from extract import extract_document
from fixtures.realforms import render_web_page
from ingest.cache import NoCache
from ingest.read import read_document
from tests.extract.builders import OCR, document, line, page, prose
from tests.extract.standard_pages import DATA, doc_of

JTT808 = ["福建省交通运输厅", "中国交通通信信息中心", "交通运输部公路科学研究院"]
GBT19056 = ["公安部交通管理科学研究所", "中国汽车技术研究中心", "中国公路学会客车分会", "上海市公安局交通警察总队",
            "常州公路运输集团有限公司", "航天科技控股集团股份有限公司", "杭州中导科技开发有限公司", "上海本安仪表系统有限公司"]


def _printed(name: str, tmp_path):
    """The page as a browser prints it (fixtures.realforms' web_page layout), read from its text layer."""
    pdf = render_web_page(json.loads((DATA / name).read_text(encoding="utf-8")))
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    return read_document(path, hashlib.sha256(pdf).hexdigest(), "page.pdf", cache=NoCache(), render_dir=tmp_path / "pages")


def test_a_platform_pages_units_end_before_its_summary_similar_standards_and_footer(tmp_path):
    # jtst.mot.gov.cn's form: label, spaces, the list without its 。; then 标准简介 and its paragraph
    dc = extract_document(_printed("platform_jtst_jtt808.json", tmp_path))
    assert dc.get("drafting_units").value == JTT808
    own = next(s for s in dc.get("standards").value if s.code == "JT/T 808-2019")
    assert own.drafting_units == JTT808


def test_a_websites_list_wrapped_over_three_lines_stays_whole_and_ends_at_its_next_heading(tmp_path):
    # a standards website's 起草单位：…, the names cut by the margin (上海市公安 / 局…, 开发有 / 限公司), then 相近标准
    dc = extract_document(_printed("website_gbt19056.json", tmp_path))
    assert dc.get("drafting_units").value == GBT19056


@pytest.mark.parametrize(("name", "own"), [("platform_jtst_jtt808.json", "JT/T 808-2019"), ("website_gbt19056.json", "GB/T 19056-2012")])
def test_the_similar_standards_a_page_lists_are_not_standards_it_publishes(tmp_path, name, own):
    # 相似标准 / 相近标准 name other standards: art7.2 would ask who led each of them
    assert [s.code for s in extract_document(_printed(name, tmp_path)).get("standards").value] == [own]


def test_one_unit_a_line_ends_at_the_first_line_that_is_no_unit():
    # a 标准信息页's cell of one unit a line (a name wrapped at the cell's edge joins up); under it
    # the 相似标准 section, its heading and its codes, with no colon to stop at
    head = ["全国标准信息公共服务平台", "GB/T 38378-2019", "新闻出版 知识服务 知识关联通用规则", "中文标准名称"]
    cell = ["国家信息中心", "广州市交通运输局", "道路运输中心", "长安大学", "深圳市交通运输局"]
    after = ["相似标准", "GB/T 38371-2019 新闻出版 知识服务 知识单元描述"]
    lines = [line(t, 60, 60 + 25 * i, 14) for i, t in enumerate(head)] + [line("起草单位", 60, 170, 14)]
    lines += [line(u, 200, 170 + 25 * i, 14) for i, u in enumerate(cell)]
    lines += [line(t, 200, 295 + 25 * i, 14) for i, t in enumerate(after)]
    dc = extract_document(doc_of(page(lines, width=820, height=400, source=OCR), name="platform.jpg"))
    assert dc.get("drafting_units").value == ["国家信息中心", "广州市交通运输局道路运输中心", "长安大学", "深圳市交通运输局"]


def test_a_list_ends_at_the_label_printed_beside_it_on_its_row():
    # a website's two-column table: 主要起草人 stands right of the units, on their row
    lines = [line("全国标准信息公共服务平台", 60, 40, 14), line("标准号：JT/T 808-2019", 60, 70, 14), line("发布日期：2019-03-15", 360, 70, 14),
             line("主要起草单位：福建省交通运输厅、中国交通通信信息中心、交通运输部公路科学研究院", 60, 100, 14),
             line("主要起草人：张伟、李娜", 700, 100, 14), line("标准简介", 60, 130, 14)]
    dc = extract_document(doc_of(page(lines, width=1000, height=300, source=OCR), name="platform.jpg"))
    assert dc.get("drafting_units").value == JTT808


COVER = prose(["ICS 03.220.20", "JT/T 808-2019", "中华人民共和国交通运输行业标准"])


@pytest.mark.parametrize("after", [
    ["主要起草人：张伟、李娜、王强。"],  # the drafters, persons, when the list's 。 was lost
    ["起草人：张伟、李娜。"],
    ["1 范围", "本标准规定了道路运输车辆卫星定位系统车载终端的通信协议。"],  # the next clause
    ["引言", "道路运输车辆卫星定位系统是道路运输监管的基础设施。"],
])
def test_a_forewords_list_without_its_full_stop_ends_with_its_line(after):
    foreword = prose(["前言", "本标准由全国道路运输标准化技术委员会提出并归口。",
                      "本标准起草单位：福建省交通运输厅、中国交通通信信息中心、交通运输部公路科学研究院", *after], number=2)
    assert extract_document(document(COVER, foreword, name="std.pdf")).get("drafting_units").value == JTT808


def test_a_forewords_list_wrapped_mid_name_stays_whole_up_to_the_drafters():
    # the 、 list cut inside names by the margin, then 本文件主要起草人 without the 。 between
    foreword = prose(["前言", "本文件起草单位：公安部交通管理科学研究所、中国汽车技术研究中心、中国公路学会客",
                      "车分会、上海市公安局交通警察总队、常州公路运输集团有限公司、航天科技控股集团股",
                      "份有限公司、杭州中导科技开发有限公司、上海本安仪表系统有限公司",
                      "主要起草人：张伟、李娜。"], number=2)
    assert extract_document(document(COVER, foreword, name="std.pdf")).get("drafting_units").value == GBT19056


def test_a_forewords_list_ends_at_a_wide_gap_under_its_paragraph():
    # no 。, and under the paragraph, apart, the applicant's stamp: a company's name, no unit of the list
    lines = [line("前言", 250, 60, 14), line("本标准起草单位：福建省交通运输厅、中国交通通信信息中心、交通运输部公路科学研究院", 60, 100, 14),
             line("广州粤智精密制造有限公司", 300, 180, 14)]
    foreword = page(lines, number=2, width=600, height=800)
    assert extract_document(document(COVER, foreword, name="std.pdf")).get("drafting_units").value == JTT808


@pytest.mark.slow
def test_a_photographed_platform_page_read_by_ocr_ends_its_units_before_the_summary(tmp_path):
    # the jtst page above, phone-photographed (tests/extract/data/photos/README.md), read by the real engine
    photo = DATA.parent / "photos" / "platform_jtst_photo.jpg"
    doc = read_document(photo, hashlib.sha256(photo.read_bytes()).hexdigest(), photo.name, cache=NoCache(), render_dir=tmp_path)
    assert any(ln.text.startswith("标准简介") for ln in doc.pages[0].lines)
    assert extract_document(doc).get("drafting_units").value == JTT808
