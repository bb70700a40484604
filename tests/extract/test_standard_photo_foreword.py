"""A standard's 前言 photographed by a phone (issue 8): perspective and curl tilt its lines, so
the boxes OCR gives (axis-aligned, from tilted quads) overlap the lines above and below, and the
起草单位 sentence wraps. The lines here are rapidocr's own readings of generated photos
(fixtures generate --forms photo --kinds standard_notice, seed 11, cover_foreword) when its
detector finds the tilted lines; the extraction must put them back in reading order."""
from core.models import Box, Line
from extract import extract_document
from tests.extract.builders import OCR, line, page
from tests.extract.standard_pages import doc_of


def _photo_page(quads: list[tuple[list[list[int]], str]]) -> list[Line]:
    return [Line(text=text, box=Box.from_quad(q), confidence=0.99) for q, text in quads]


COVER = page([line("SJ/T 11762—2021", 500, 20), line("中华人民共和国电子行业标准", 200, 60)], source=OCR)

# keystone tilt, the 起草单位 line rising ~3° to the right and wrapping inside a unit's name
TILTED = [
    ([[976, 450], [1089, 447], [1090, 504], [978, 506]], "前言"),
    ([[514, 555], [1598, 498], [1602, 583], [518, 640]], "本文件按照 GB/T1.1-2020《标准化工作导则第1部分：标准化文件的结构和起草规则》 的"),
    ([[480, 611], [603, 614], [602, 652], [479, 650]], "规定起草。"),
    ([[518, 661], [1489, 617], [1493, 692], [523, 736]], "请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。"),
    ([[533, 728], [1024, 723], [1024, 766], [533, 770]], "本文件由中国通信标准化协会提出并归口。"),
    ([[517, 772], [1623, 709], [1629, 800], [521, 862]], "本文件起草单位：中国联合网络通信集团有限公司、树根互联股份有限公司、浪潮云信息技术"),
    ([[483, 828], [978, 830], [978, 872], [483, 871]], "股份公司、广州市明锐智能装备有限公司。"),
    ([[537, 888], [1031, 885], [1031, 929], [537, 932]], "本文件主要起草人：李强杰、杨超、朱磊。"),
]

# curl as well: both lines of the sentence tilted, each box reaching into its neighbours'
CURLED = [
    ([[982, 536], [1098, 525], [1103, 582], [988, 593]], "前言"),
    ([[537, 654], [1654, 562], [1661, 643], [544, 734]], "本文件按照 GB/T1.1-2020《标准化工作导则第1部分：标准化文件的结构和起草规则》的"),
    ([[508, 709], [620, 709], [620, 742], [508, 742]], "规定起草。"),
    ([[541, 752], [1518, 691], [1522, 759], [545, 820]], "请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。"),
    ([[551, 811], [1012, 804], [1012, 842], [551, 849]], "本文件由中国通信标准化协会提出并归口。"),
    ([[533, 849], [1664, 785], [1668, 871], [537, 934]], "本文件起草单位：广州市智造智能装备股份有限公司、华南理工大学、中国联合网络通信集团"),
    ([[490, 893], [1518, 851], [1522, 929], [495, 970]], "有限公司、工业和信息化部电子第五研究所、华为技术有限公司、广东省标准化研究院。"),
    ([[540, 947], [1457, 920], [1459, 988], [541, 1014]], "本文件主要起草人：赵勇、张刚、梁洋、罗军、李敏、孙芳敏、马芳芳、林丽。"),
]


def _units(quads):
    foreword = page(_photo_page(quads), number=2, width=2164, height=2814, source=OCR)
    return extract_document(doc_of(COVER, foreword)).get("drafting_units")


def test_tilted_foreword_lines_give_the_units_in_order():
    units = _units(TILTED)
    assert units.value == ["中国联合网络通信集团有限公司", "树根互联股份有限公司", "浪潮云信息技术股份公司", "广州市明锐智能装备有限公司"]
    assert not units.flags


def test_curled_foreword_both_lines_tilted_give_the_units_in_order():
    units = _units(CURLED)
    assert units.value == ["广州市智造智能装备股份有限公司", "华南理工大学", "中国联合网络通信集团有限公司",
                           "工业和信息化部电子第五研究所", "华为技术有限公司", "广东省标准化研究院"]
    assert not units.flags


def _with_units_line(*pieces):
    """TILTED with its 起草单位 line replaced by `pieces` (quad, text)."""
    return [*TILTED[:5], *pieces, *TILTED[6:]]


def test_a_label_misread_by_a_character_still_gives_the_units_at_a_lower_confidence():
    quad, text = TILTED[5]
    for misread in (text.replace("起草", "起革"), text.replace("单位", "单立"), "木" + text[1:]):
        units = _units(_with_units_line((quad, misread)))
        assert units.value[0] == "中国联合网络通信集团有限公司" and len(units.value) == 4, misread
        assert 0.5 < units.confidence < 0.9


def test_the_drafters_line_alone_is_never_read_as_the_units():
    # the 起草单位 line lost (the detector drops long tilted lines): 本文件主要起草人 is two
    # edits from 本文件主要起草单位, and its names are no units
    assert _units([*TILTED[:5], *TILTED[7:]]) is None


def test_a_tilted_piece_grouped_with_the_line_above_leaves_a_cut_unit_flagged():
    from core.models import Applicant
    from extract.claimset import mark_lead

    # curl split the line in two; its right piece, rising, sits nearer the line above
    split = _with_units_line(([[517, 772], [1000, 745], [1002, 835], [521, 862]], "本文件起草单位：中国联合网络通信集团有限公司、"),
                             ([[1010, 745], [1623, 709], [1629, 800], [1012, 830]], "树根互联股份有限公司、浪潮云信息技术"))
    foreword = page(_photo_page(split), number=2, width=2164, height=2814, source=OCR)
    dc = extract_document(doc_of(COVER, foreword))
    units = dc.get("drafting_units")
    assert "unit_cut" in [f.code for f in units.flags] and units.confidence <= 0.5
    mark_lead(dc, Applicant(name="中国联合网络通信集团有限公司"))
    assert "uncertain_units" in [f.code for f in dc.get("applicant_is_lead").flags]


def test_a_units_line_whose_full_stop_ocr_dropped_does_not_run_into_the_drafters():
    # rapidocr read the line's end as "华为技术有限公司" without its 。 (generated photo, seed 13)
    lines = [line("前言", 1070, 485, 60), line("本文件由全国工业过程测量控制和自动化标准化技术委员会(SAC/TC124)提出并归口。", 602, 763, 38),
             line("本文件起草单位：中国信息通信研究院、广州市海川新材料科技有限公司、华为技术有限公司", 600, 821, 35),
             line("本文件主要起草人：王敏华、王静明、郭杰、徐国刚、何洋、朱丽杰、赵敏、赵志静。", 593, 917, 48)]
    foreword = page(lines, number=2, width=2164, height=2814, source=OCR)
    units = extract_document(doc_of(COVER, foreword)).get("drafting_units")
    assert units.value == ["中国信息通信研究院", "广州市海川新材料科技有限公司", "华为技术有限公司"]


# the detector's boxes for a 前言 whose long lines fade into a shadow (rapidocr reads their faint
# boxes): the tilted 起草单位 line's box is two print heights tall, and the sentence's last word,
# wrapped to the margin, sits beside its lower half
WRAPPED_SHORT = [
    (Box(x0=954, y0=411, x1=1075, y1=473), "前言"),
    (Box(x0=476, y0=688, x1=1280, y1=738), "本文件由全国信息技术标准化技术委员会(SAC/TC 28)提出并归口。"),
    (Box(x0=465, y0=716, x1=1617, y1=816), "本文件起草单位：广州赛宝认证中心服务有限公司、华南理工大学、广州市新维机械制造有限"),
    (Box(x0=420, y0=791, x1=501, y1=838), "公司。"),
    (Box(x0=472, y0=849, x1=1295, y1=907), "本文件主要起草人：郭文、赵艳勇、胡涛涛、何刚、何英、王文刚。"),
]


def test_a_wrapped_last_word_beside_a_tilted_line_is_read_after_it():
    lines = [Line(text=text, box=box, confidence=0.99) for box, text in WRAPPED_SHORT]
    foreword = page(lines, number=2, width=2044, height=2726, source=OCR)
    units = extract_document(doc_of(COVER, foreword)).get("drafting_units")
    assert units.value == ["广州赛宝认证中心服务有限公司", "华南理工大学", "广州市新维机械制造有限公司"]
