"""A standard's page on 全国标准信息公共服务平台 (std.samr.gov.cn), printed: its 起草单位 section
ends where the page's next section starts (标准状态 with its 发布于/实施于 dates, 起草人,
基础信息), and its ICS/CCS lines do not make it read as the standard's own cover."""
from extract import extract_document
from tests.extract.standard_pages import DATA, doc_of, text_page

UNITS = ["中国大地出版社有限公司", "知识产权出版社有限责任公司", "中国新闻出版研究院", "中国水利水电出版社有限公司",
         "中地数媒(北京)科技文化有限责任公司", "北京中知智慧科技有限公司", "海洋出版社", "中华书局有限公司",
         "中国林业出版社有限公司", "中国法制出版社有限公司", "成都音像出版社有限公司", "英大传媒投资集团有限公司",
         "中国科技出版传媒股份有限公司", "九州出版社有限公司", "武汉大学", "河北领先文化传播有限公司", "苏州梦想人软件科技有限公司"]


def _read(name: str):
    return extract_document(doc_of(text_page(name), name="platform.pdf"))


def test_the_units_end_with_their_section():
    dc = _read("platform_gbt38378.txt")
    assert dc.get("drafting_units").value == UNITS
    assert dc.get("standards").value[0].drafting_units == UNITS
    assert (dc.get("standard_code").value, dc.get("level").value) == ("GB/T 38378-2019", "national")
    assert (str(dc.get("publish_date").value), str(dc.get("implement_date").value)) == ("2019-12-31", "2020-07-01")


def test_a_list_without_its_full_stop_ends_at_the_next_section(tmp_path):
    # the page less the list's 。, with the 起草人 section under it
    page = (DATA / "platform_gbt38378.txt").read_text(encoding="utf-8").replace("苏州梦想人软件科技有限公司。\n标准状态", "苏州梦想人软件科技有限公司\n起草人\n标准状态")
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    assert extract_document(doc_of(text_page(str(tmp_path / "page.txt")))).get("drafting_units").value == UNITS
