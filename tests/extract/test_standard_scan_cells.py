"""Scanned notice annexes (issue 8): OCR's detector may read two neighbouring table cells as one
box. The lines are rapidocr's own readings of a generated scan (fixtures generate, seed 11,
document 0052, industry/miit_list)."""
from core.models import Box, Line
from extract import extract_document
from tests.extract.builders import OCR, page
from tests.extract.standard_pages import doc_of


def _page(number: int, readings: list[tuple[tuple[int, int, int, int], str]]):
    lines = [Line(text=t, box=Box(x0=a, y0=b, x1=c, y1=d), confidence=0.99) for (a, b, c, d), t in readings]
    return page(lines, number=number, width=1654, height=2340, source=OCR)


NOTICE = _page(1, [
    ((438, 231, 1286, 287), "中华人民共和国工业和信息化部"), ((794, 326, 931, 389), "公告"), ((762, 411, 963, 451), "2020年第6号"),
    ((299, 532, 1463, 569), "工业和信息化部批准《工业互联网平台微服务参考框架》等3项行业标准（标准"),
    ((233, 589, 1487, 625), "编号、名称、主要内容及起始实施日期见附件），其中通信行业标准2项、电子行业标"),
    ((230, 644, 504, 684), "准1项，现予公布。"), ((302, 718, 866, 753), "以上行业标准自2020年9月1日起实施。"),
    ((300, 791, 1053, 826), "附件：3项行业标准编号、名称、主要内容等一览表"),
    ((1177, 1560, 1419, 1613), "工业和信息化部"), ((1178, 1623, 1416, 1666), "2020年6月27日"),
])
ANNEX = _page(2, [
    ((228, 189, 305, 234), "附件"), ((510, 266, 1217, 307), "3项行业标准编号、名称、主要内容等一览表"),
    ((179, 369, 250, 410), "序号"), ((312, 368, 439, 409), "标准编号"), ((589, 368, 714, 409), "标准名称"),
    ((979, 370, 1158, 407), "标准主要内容"), ((1388, 368, 1514, 409), "代替标准"),
    ((184, 443, 204, 469), "1"), ((257, 439, 462, 470), "YD/T3900-2020"),
    ((508, 437, 1316, 469), "工业互联网平台微服务本标准规定了微服务参考框架的技术要求和"),
    ((1338, 439, 1406, 469), "YD/T"), ((505, 475, 619, 512), "参考框架"), ((804, 474, 928, 511), "测试方法。"),
    ((1345, 477, 1496, 506), "34271-2008"),
    ((181, 563, 208, 593), "2"), ((256, 562, 460, 593), "YD/T3746-2020"), ((508, 560, 788, 592), "工业互联网标识解析二"),
    ((802, 560, 1310, 592), "本标准规定了二级节点技术要求的技术要求"), ((505, 598, 619, 630), "级节点技术要求"),
])


def test_a_title_read_in_one_box_with_the_content_column_stops_where_the_content_begins():
    dc = extract_document(doc_of(NOTICE, ANNEX))
    assert dc.get("standard_title").value == "工业互联网平台微服务参考框架"
    rows = {s.code: s.title for s in dc.get("standards").value}
    assert rows["YD/T 3900-2020"] == "工业互联网平台微服务参考框架"
    assert rows["YD/T 3746-2020"] == "工业互联网标识解析二级节点技术要求"
