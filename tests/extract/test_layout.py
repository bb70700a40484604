from core.models import Box, Line
from extract.layout import best_piece, edit_distance, find_labels, fuzzy_find, group_rows, header_columns, page_cells, page_rows, value_after

from tests.extract.builders import boxes_page, line, page


def _value(pg, label, accept=None, stop=()):
    rows = page_rows(pg)
    hits = find_labels(rows, [label])
    assert hits, f"label {label} not found"
    return value_after(hits[0], rows, accept, stop)


def test_value_inside_the_label_box():
    pg = boxes_page([("开票日期：2025年03月18日", 600, 80)])
    assert _value(pg, "开票日期").text == "2025年03月18日"


def test_value_in_the_box_right_of_the_label():
    pg = boxes_page([("纳税人识别号：", 110, 418), ("914403007261824992", 220, 421), ("备", 517, 410)])
    v = _value(pg, "纳税人识别号")
    assert v.text == "914403007261824992"
    assert v.quality < 1.0  # taken from a neighbour, not the label's own box


def test_value_below_the_label():
    pg = boxes_page([("实施日期", 400, 100), ("2025-06-01", 400, 125), ("其他", 100, 125)])
    assert _value(pg, "实施日期").text == "2025-06-01"


def test_label_split_over_two_boxes():
    pg = boxes_page([("购", 88, 119), ("名", 113, 119), ("称：测试购方企业", 181, 119)])
    assert _value(pg, "名称").text == "测试购方企业"


def test_a_neighbouring_label_is_not_a_value():
    pg = boxes_page([("纳税人识别号：", 109, 169), ("地址、电话：", 300, 169)])
    assert _value(pg, "纳税人识别号", stop=("地址、电话",)) is None


def test_accept_refuses_the_cipher_block():
    pg = boxes_page([("纳税人识别号：", 109, 169), ("227268<07//400<+3->>><0*8+6", 555, 172)])
    assert _value(pg, "纳税人识别号", accept=lambda t: t.isalnum()) is None


def test_skewed_rows_stay_rows():
    items = [("名称：甲公司", 50, 100), ("金额", 300, 100), ("100.00", 420, 100), ("税额", 600, 100), ("13.00", 720, 100),
             ("名称：乙公司", 50, 125), ("金额", 300, 125), ("200.00", 420, 125), ("税额", 600, 125), ("26.00", 720, 125)]
    # 2.5° over 700 px moves the right end of a row by 30 px, more than a row's height
    pg = boxes_page(items, skew_deg=2.5)
    rows = page_rows(pg)
    assert [r.string for r in rows] == ["名称:甲公司金额100.00税额13.00", "名称:乙公司金额200.00税额26.00"]


def test_words_far_apart_become_cells():
    ln = line("名 称: 北京华亿创新信息技术有限公司 密", 48, 86, words=True, gap=1.5)
    cells = page_cells(page([ln]))
    assert [c.text for c in cells] == ["名", "称:", "北京华亿创新信息技术有限公司", "密"]


def test_a_line_with_wide_spaces_is_split_without_words():
    pg = page([Line(text="项目名称  数量  金额", box=Box(x0=0, y0=0, x1=200, y1=12))])
    assert [c.text for c in page_cells(pg)] == ["项目名称", "数量", "金额"]


def test_fuzzy_find_tolerates_one_slip_in_a_long_label():
    assert fuzzy_find("深圳增镇税普通发票", "增值税普通发票")
    assert fuzzy_find("增值税支用发票", "增值税专用发票")
    assert not fuzzy_find("增值税支用发票", "增值税普通发票")
    assert not fuzzy_find("金頟", "金额")  # short labels match exactly


def test_best_piece_finds_a_needle_misread_anywhere_in_a_longer_text():
    assert best_piece("长峙岛", "珠海长崎岛科技") == (2, 5, 1)  # stray glyphs either side cost nothing
    assert best_piece("有限公司", "科技有限公") == (2, 5, 1)     # cut short at the end: one edit
    assert best_piece("", "abc") == (3, 3, 0) and edit_distance("长峙岛", "珠海长崎岛") == 3


def test_header_columns_in_order():
    pg = boxes_page([("货物或应税劳务、服务名称", 100, 201), ("规格型号", 295, 201), ("数量", 436, 201),
                     ("金", 603, 201), ("额", 634, 201), ("税率", 688, 201)])
    row = group_rows(page_cells(pg))[0]
    cols = header_columns(row, {"name": ["货物或应税劳务、服务名称"], "spec": ["规格型号"], "quantity": ["数量"],
                                "amount": ["金额"], "tax_rate": ["税率"]})
    assert [c.name for c in cols] == ["name", "spec", "quantity", "amount", "tax_rate"]
    amount = cols[3]
    assert amount.x0 == 603 and amount.x1 > 634  # "金" and "额" are one column
