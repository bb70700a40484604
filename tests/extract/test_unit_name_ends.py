"""A unit's name ends as an organisation's does, by one list (extract/fields/standards/unitnames.py):
where a list printed one unit a line splits its lines and where a list goes on are the same
question, so a 厅, a 分会, a 部队 or a 海关 ends a unit in both."""
import pytest

from extract import extract_document
from extract.fields.standards.unitnames import is_unit
from tests.extract.builders import OCR, line, page
from tests.extract.standard_pages import doc_of


def _one_a_line(cell: list[str]) -> list[str]:
    # a 标准信息页's table: 起草单位 in the label column, one unit a line in the cell beside it, each
    # short of the cell's widest line unless it is that line; 标准状态 under it
    head = ["全国标准信息公共服务平台", "JT/T 808-2019", "道路运输车辆卫星定位系统 终端通讯协议及数据格式", "中文标准名称"]
    lines = [line(t, 60, 60 + 25 * i, 14) for i, t in enumerate(head)] + [line("起草单位", 60, 170, 14)]
    lines += [line(u, 200, 170 + 25 * i, 14) for i, u in enumerate(cell)]
    lines.append(line("标准状态", 60, 170 + 25 * len(cell) + 15, 14))
    return extract_document(doc_of(page(lines, width=820, height=500, source=OCR), name="platform.jpg")).get("drafting_units").value


# a unit of its own on its line: the list's widest line (a name too long for the cell) comes after it
WIDE = "全国智能运输系统标准化技术委员会秘书处"


@pytest.mark.parametrize("cell", [
    ["福建省交通运输厅", "中国交通通信信息中心", "交通运输部公路科学研究院"],  # JT/T 808-2019's own list
    ["中国公路学会客车分会", "长安大学", WIDE],
    ["中国人民解放军93110部队", "长安大学", WIDE],
    ["交通运输部", "长安大学", WIDE],
    ["国家发展改革委", "长安大学", WIDE],
    ["国务院办公厅电子政务办", "长安大学", WIDE],
    ["交通运输部运输服务司综合处", "长安大学", WIDE],
    ["中央广播电视总台", "长安大学", WIDE],
])
def test_a_list_of_one_unit_a_line_splits_where_a_list_would_end_a_unit(cell):
    assert _one_a_line(cell) == cell



@pytest.mark.parametrize("cell", [
    ["中华人民共和国天津海关", "中华人民共和国北京海关", "中国检验检疫科学研究院", WIDE],
    ["中国石油长庆油田", "西南石油大学", WIDE],
    ["山东能源集团鲍店煤矿", "中国矿业大学", WIDE],
    ["广州睿智投资合伙企业(有限合伙)", "华南理工大学", WIDE],
])
def test_a_customs_house_an_oilfield_a_mine_and_a_partnership_end_a_unit(cell):
    assert all(is_unit(u) for u in cell)
    assert _one_a_line(cell) == cell


def _listed(units: str) -> list[str]:
    # a provincial notice's annex row and its 起草单位 line, as a text layer gives them
    from tests.extract.builders import prose

    rows = ["广东省市场监督管理局关于批准发布《工业互联网平台 设备接入规范》等1项地方标准的公告",
            "附件：标准编号、名称及起草单位一览表", "序号 标准编号 标准名称 实施日期",
            "1 DB44/T 2394-2021 工业互联网平台 设备接入规范 2021-07-07", "起草单位：" + units]
    return extract_document(doc_of(prose(rows))).get("drafting_units").value


# units whose names go on past a legal suffix: the first three as realdev's T/CAMET 04011.4 and
# DB21/T 3678 前言 print them; a branch, a university's hospital and press, an academy's institute
UNITS_GOING_ON = ["中国铁道科学研究院集团有限公司通信信号研究所", "辽宁省农业科学院高粱研究所",
                  "中国城市轨道交通协会技术装备专业委员会", "华为技术有限公司广州分公司", "中山大学附属第一医院",
                  "清华大学出版社", "中国科学院自动化研究所", "广东省标准化研究院有限公司"]


def test_a_unit_whose_name_goes_on_past_a_legal_suffix_is_not_split():
    assert _listed("、".join(UNITS_GOING_ON)) == UNITS_GOING_ON


@pytest.mark.parametrize(("printed", "units"), [
    # the 、 OCR lost (or read as 一) between two units of their own still splits them
    ("华为技术有限公司广州分公司中兴通讯股份有限公司", ["华为技术有限公司广州分公司", "中兴通讯股份有限公司"]),
    ("华南理工大学一广东省标准化研究院", ["华南理工大学", "广东省标准化研究院"]),
    ("中国铁道科学研究院集团有限公司通信信号研究所北京交通大学", ["中国铁道科学研究院集团有限公司通信信号研究所", "北京交通大学"]),
    ("华为技术有限公司中国电子技术标准化研究院", ["华为技术有限公司", "中国电子技术标准化研究院"]),
    # a ministry's institute is a unit of its own, not a part of the company before it
    ("广州粤智有限公司工业和信息化部电子第五研究所", ["广州粤智有限公司", "工业和信息化部电子第五研究所"]),
    ("广州粤智有限公司公安部第三研究所", ["广州粤智有限公司", "公安部第三研究所"]),
    # the 、 read as 一 splits, whatever the next name ends in (here a 中心 inside a company's name)
    ("中国移动通信集团有限公司一广州赛宝认证中心服务有限公司", ["中国移动通信集团有限公司", "广州赛宝认证中心服务有限公司"]),
])
def test_a_separator_ocr_lost_between_two_units_still_splits_them(printed, units):
    assert _listed(printed) == units

