"""A standard's page on 全国标准信息公共服务平台 (std.samr.gov.cn), printed: its 起草单位 section
ends where the page's next section starts (标准状态 with its 发布于/实施于 dates, 起草人,
基础信息), and its ICS/CCS lines do not make it read as the standard's own cover."""
from extract import extract_document
from tests.extract.builders import OCR, line, page
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


def _page_with_units(tmp_path, units: str):
    page = (DATA / "platform_gbt38378.txt").read_text(encoding="utf-8")
    listed = page.split("起草单位\n")[1].split("\n")[0]
    (tmp_path / "page.txt").write_text(page.replace(listed, units), encoding="utf-8")
    return extract_document(doc_of(text_page(str(tmp_path / "page.txt")), name="platform.pdf"))


def test_a_list_of_one_unit_a_line_without_its_marks(tmp_path):
    # as a 标准信息页 prints it: no 、 and no 。, each unit its own line (海洋出版社 ran into 中华书局有限公司)
    dc = _page_with_units(tmp_path, "\n".join(UNITS))
    assert dc.get("drafting_units").value == UNITS


def test_a_name_wrapped_at_its_column_edge_stays_whole():
    # a 标准信息页's table: 起草单位 in the label column, one unit a line in the cell beside it.
    # 广州市交通运输局 runs to the cell's edge as 深圳市交通运输局 does, so the line under it goes on
    # with its name; 国家信息中心 stops short of the edge and is a unit of its own
    head = ["全国标准信息公共服务平台", "GB/T 38378-2019", "新闻出版 知识服务 知识关联通用规则", "中文标准名称"]
    cell = ["国家信息中心", "广州市交通运输局", "道路运输中心", "长安大学", "深圳市交通运输局"]
    lines = [line(t, 60, 60 + 25 * i, 14) for i, t in enumerate(head)] + [line("起草单位", 60, 170, 14)]
    lines += [line(u, 200, 170 + 25 * i, 14) for i, u in enumerate(cell)] + [line("标准状态", 60, 310, 14)]
    dc = extract_document(doc_of(page(lines, width=820, height=400, source=OCR), name="platform.jpg"))
    assert dc.get("drafting_units").value == ["国家信息中心", "广州市交通运输局道路运输中心", "长安大学", "深圳市交通运输局"]
