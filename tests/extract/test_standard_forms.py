"""Standard evidence in its real forms (issue 8): each family of notice, the standard's own
cover and 前言, and ISO/IEC/ITU pages, classified standard_notice with exact codes, dates,
levels and drafting units; what a page does not say is left out and flagged, never made up."""
from datetime import date

import pytest

from core.models import DocType
from extract import extract_document
from tests.extract.builders import line, prose
from tests.extract.standard_pages import doc_of, text_page


def _got(dc):
    return {c.field: c for c in dc.claims}


def test_national_notice_lists_every_standard_with_its_own_dates():
    dc = extract_document(doc_of(text_page("national_samr.txt", "national_samr_annex.tsv")))
    got = _got(dc)
    assert dc.doc_type == DocType.standard_notice
    assert got["standard_code"].value == "GB/T 46803.1-2025" and got["level"].value == "national"
    assert got["publish_date"].value == date(2025, 12, 2) and got["implement_date"].value == date(2026, 7, 1)
    entries = got["standards"].value
    assert [(e.code, e.level, e.publish_date, e.implement_date) for e in entries] == [
        ("GB/T 46803.1-2025", "national", date(2025, 12, 2), date(2026, 7, 1)),
        ("GB/T 46803.2-2025", "national", date(2025, 12, 2), date(2026, 7, 1)),
    ]
    assert entries[1].title == "信息技术 基于极化码的低功耗无线通信网络 第2部分：数据链路层"
    assert len(got["standards"].evidence) == 2 and "46803.2" in got["standards"].evidence[1].text  # a row's own evidence


def test_a_notice_whose_body_names_one_of_its_annex_rows_speaks_of_that_one():
    # 16 GB/Z rows sorted by code; the body names the 6th: that is the notice's own standard
    dc = extract_document(doc_of(text_page("national_gbz.txt", "national_gbz_annex.tsv")))
    got = _got(dc)
    assert got["standard_code"].value == "GB/Z 43501.6-2024" and got["level"].value == "national"
    assert got["standard_title"].value == "工业互联网平台 应用实施指南 第6部分：设备上云"
    assert len(got["standards"].value) == 16 and got["standards"].value[0].code == "GB/Z 43501.1-2024"
    assert {e.implement_date for e in got["standards"].value} == {date(2024, 10, 1)}


def test_industry_notice_takes_the_date_from_the_body_and_the_replaced_code_from_its_column():
    dc = extract_document(doc_of(text_page("industry_miit.txt", "industry_miit_annex.tsv")))
    got = _got(dc)
    assert dc.doc_type == DocType.standard_notice
    entries = {e.code: e for e in got["standards"].value}
    assert list(entries) == ["YD/T 3876-2021", "YD/T 1999.3-2021", "SJ/T 11735-2021"]
    assert {e.level for e in entries.values()} == {"industry"}
    assert {e.implement_date for e in entries.values()} == {date(2021, 7, 1)}  # 以上行业标准自…起实施
    assert {e.publish_date for e in entries.values()} == {date(2021, 3, 5)}
    assert entries["YD/T 1999.3-2021"].replaces == ["YD/T 1999.3-2009"]
    assert entries["YD/T 3876-2021"].replaces == []
    assert got["implement_date"].value == date(2021, 7, 1) and got["publish_date"].value == date(2021, 3, 5)


def test_provincial_notice_reads_local_codes_and_replacements():
    dc = extract_document(doc_of(text_page("provincial_gd.txt", "provincial_gd_annex.tsv")))
    got = _got(dc)
    assert dc.doc_type == DocType.standard_notice
    assert got["standard_code"].value == "DB44/T 2451-2025" and got["level"].value == "local"
    assert got["issuing_body"].value == "广东省市场监督管理局"
    entries = got["standards"].value
    assert [(e.code, e.replaces, e.implement_date) for e in entries] == [
        ("DB44/T 2451-2025", [], date(2025, 6, 1)), ("DB44/T 1877-2025", ["DB44/T 1877-2016"], date(2025, 6, 1))]


def test_group_standard_notice_is_a_standard_notice_of_level_group():
    dc = extract_document(doc_of(text_page("group_ccpia.txt")))
    got = _got(dc)
    assert dc.doc_type == DocType.standard_notice
    assert got["standard_code"].value == "T/CCPIA 262-2025" and got["level"].value == "group"
    assert got["implement_date"].value == date(2025, 4, 1) and got["publish_date"].value == date(2025, 3, 8)
    assert got["standards"].value[0].level == "group"


def test_a_group_notice_whose_code_says_another_level_is_flagged():
    pg = prose(["某某产业联盟关于发布团体标准的公告", "标准编号：GB/T 1234-2025", "标准名称：工业设备互联规范", "某某产业联盟", "2025年3月8日"])
    level = _got(extract_document(doc_of(pg)))["level"]
    assert level.value == "national" and [f.code for f in level.flags] == ["level_mismatch"]


def test_iso_and_itu_pages():
    iso = _got(extract_document(doc_of(text_page("iso_iec_30141_2018.txt"), name="iso.html.pdf")))
    assert iso["standard_code"].value == "ISO/IEC 30141:2018" and iso["level"].value == "international"
    assert iso["publish_date"].value == date(2018, 8, 1)
    assert iso["standard_title"].value == "Internet of Things (loT) - Reference Architecture"  # as printed, OCR-like slip and all
    assert [(e.code, e.level, e.publish_date) for e in iso["standards"].value] == [("ISO/IEC 30141:2018", "international", date(2018, 8, 1))]
    dc = extract_document(doc_of(text_page("iso_iec_30141_2024.txt")))
    assert dc.doc_type == DocType.standard_notice
    assert _got(dc)["standard_code"].value == "ISO/IEC 30141:2024" and _got(dc)["publish_date"].value == date(2024, 8, 27)
    dc = extract_document(doc_of(text_page("itu_t_y4553.txt")))
    got = _got(dc)
    assert dc.doc_type == DocType.standard_notice
    assert got["standard_code"].value == "ITU-T Y.4553" and got["level"].value == "international"
    # the cover says only (03/2016): no day is made up, the reviewer is told why
    assert got["publish_date"].value is None and [f.code for f in got["publish_date"].flags] == ["date_month_only"]


def test_approval_draft_cover_gives_code_and_title_but_no_invented_date():
    dc = extract_document(doc_of(text_page("cover_gbt28181_draft.txt"), name="gbt28181.pdf"))
    got = _got(dc)
    assert dc.doc_type == DocType.standard_notice
    assert got["standard_code"].value == "GB/T 28181-2022" and got["level"].value == "national"
    assert got["standard_title"].value == "公共安全视频监控联网系统信息传输、交换、控制技术要求"
    for name in ("publish_date", "implement_date"):
        assert got[name].value is None and [f.code for f in got[name].flags] == ["date_placeholder"]


def test_published_cover_gives_dates_and_issuer():
    pg = prose(["ICS 03.220.20", "中华人民共和国交通运输行业标准", "JT/T 808—2019", "代替JT/T 808—2011",
                "道路运输车辆卫星定位系统", "终端通信协议及数据格式", "General specifications for vehicle terminal",
                "2019-03-15 发布", "2019-07-01 实施", "中华人民共和国交通运输部 发布"])
    got = _got(extract_document(doc_of(pg)))
    assert got["standard_code"].value == "JT/T 808-2019" and got["level"].value == "industry"
    assert (got["publish_date"].value, got["implement_date"].value) == (date(2019, 3, 15), date(2019, 7, 1))
    assert got["issuing_body"].value == "中华人民共和国交通运输部"


def test_foreword_lead_then_participating_units_in_order_across_wrapped_lines():
    header = prose(["GB/T 19056—2012", "汽车行驶记录仪"])
    foreword = text_page("foreword_gbt19056.txt", number=2)
    foreword.lines.insert(0, line("GB/T 19056—2012", 455, 20))
    dc = extract_document(doc_of(header, foreword))
    got = _got(dc)
    assert dc.doc_type == DocType.standard_notice and got["standard_code"].value == "GB/T 19056-2012"
    assert got["drafting_units"].value == [
        "公安部交通管理科学研究所", "中国汽车技术研究中心", "中国公路学会客车分会", "上海市公安局交通警察总队",
        "常州公路运输集团有限公司", "航天科技控股集团股份有限公司", "杭州中导科技开发有限公司", "上海本安仪表系统有限公司"]
    assert "publish_date" not in got and "implement_date" not in got  # no cover: no dates, none made up
    dc = extract_document(doc_of(header, foreword), applicant_name="公安部交通管理科学研究所")
    from extract.claimset import mark_lead
    from core.models import Applicant

    mark_lead(dc, Applicant(name="公安部交通管理科学研究所"))
    assert dc.value("applicant_is_lead") is True


def test_core_standards_and_art7_2_agree_a_group_standard_is_not_paid():
    from core.models import Applicant, ClaimSet, Ledger
    from rules.art7 import standards
    from rules.params import load_parameters

    dc = extract_document(doc_of(text_page("group_ccpia.txt")))
    claims = ClaimSet(dossier_id="d", applicant=Applicant(name="中国农药工业协会"), year=2025, clauses=["art7.2"], documents=[dc])
    result = standards(claims, Ledger(), load_parameters(), as_of=date(2025, 12, 31))
    assert result.amount == 0 and "团体标准" in result.explanation + " ".join(result.reasons)


def test_industry_annex_rows_with_their_own_dates_and_what_cannot_be_right_is_flagged():
    pg = text_page("industry_miit_rows.txt", "industry_miit_rows.tsv")
    got = _got(extract_document(doc_of(pg)))
    assert [(e.code, e.implement_date) for e in got["standards"].value] == [
        ("YD/T 3876-2021", date(2021, 7, 1)), ("SJ/T 11735-2021", date(2021, 10, 1))]
    assert not got["standards"].flags
    late = prose(["中华人民共和国工业和信息化部", "工业和信息化部批准《工业互联网平台 企业上云效果评价方法》等1项行业标准，现予公告。",
                  "标准编号：SJ/T 11735-2021", "实施日期：2020-10-01", "工业和信息化部", "2021年3月5日"])
    got = _got(extract_document(doc_of(late)))
    assert got["implement_date"].value == date(2020, 10, 1) and [f.code for f in got["implement_date"].flags] == ["date_order"]
    assert [f.code for f in got["standards"].flags] == ["date_order"]


def test_issuers_signed_above_the_date_and_under_a_cover_are_found():
    # signed 工业和信息化部 under the letterhead 中华人民共和国工业和信息化部, the annex below
    got = _got(extract_document(doc_of(text_page("industry_miit.txt", "industry_miit_annex.tsv"))))
    assert got["issuing_body"].value == "中华人民共和国工业和信息化部" and got["publish_date"].value == date(2021, 3, 5)
    cover = prose(["ICS 35.240", "中华人民共和国国家标准", "GB/T 38770—2020", "工业设备上云 数据接入通用要求",
                   "2020-06-12发布 2020-12-01实施", "国家市场监督管理总局", "发布", "国家标准化管理委员会"])
    got = _got(extract_document(doc_of(cover)))
    assert got["issuing_body"].value == "国家市场监督管理总局 国家标准化管理委员会"
    assert (got["publish_date"].value, got["implement_date"].value) == (date(2020, 6, 12), date(2020, 12, 1))


def test_a_replaced_code_wrapped_in_its_column_is_joined_not_taken_for_a_new_standard():
    pg = text_page("national_samr.txt")
    y = 300
    cols = {"序号": 40, "标准编号": 80, "标准名称": 210, "代替标准号": 560, "实施日期": 700}
    pg.lines += [line(h, x, y, 12) for h, x in cols.items()]
    pg.lines += [line("1", 40, y + 26, 12), line("GB/T 38744-2020", 80, y + 26, 12), line("工业互联网 时间敏感网络 设备技术要求", 210, y + 26, 12),
                 line("GB/T", 560, y + 26, 12), line("2021-03-01", 700, y + 26, 12), line("23660-2016", 560, y + 42, 12),
                 line("2", 40, y + 68, 12), line("GB/T 38445-2020", 80, y + 68, 12), line("智能制造 工业云服务 数据管理通用要求", 210, y + 68, 12),
                 line("2021-03-01", 700, y + 68, 12)]
    got = _got(extract_document(doc_of(pg)))
    assert [(e.code, e.replaces) for e in got["standards"].value] == [
        ("GB/T 38744-2020", ["GB/T 23660-2016"]), ("GB/T 38445-2020", [])]


def test_drafting_units_running_on_to_the_next_page_past_its_header_and_footer():
    first = prose(["GB/T 28181—2022", "前 言", "本文件由中华人民共和国公安部提出。",
                   "本文件起草单位：公安部第一研究所、视频图像信息智能分析与共享应用技术国家工程实验室、国", "V"])
    second = prose(["GB/T 28181—2022", "家信息中心、华为技术有限公司。", "本文件主要起草人：陈朝武、崔云红。"], number=2)
    got = _got(extract_document(doc_of(first, second)))
    assert got["drafting_units"].value == ["公安部第一研究所", "视频图像信息智能分析与共享应用技术国家工程实验室", "国家信息中心", "华为技术有限公司"]
    assert [e.page for e in got["drafting_units"].evidence] == [1, 2]


def test_a_code_whose_year_is_not_the_notices_is_flagged():
    pg = prose(["国家市场监督管理总局 国家标准化管理委员会", "关于批准发布《数字化车间 设备互联互通规范》推荐性国家标准的公告",
                "标准编号：GB/T 39622-2012", "实施日期：2022-02-01", "国家市场监督管理总局", "2021年8月23日"])  # OCR read 2021 as 2012
    got = _got(extract_document(doc_of(pg)))
    assert got["standard_code"].value == "GB/T 39622-2012" and [f.code for f in got["standard_code"].flags] == ["code_year"]
    assert "code_year" in [f.code for f in got["standards"].flags]


def test_a_group_notice_naming_a_ministry_institute_among_its_drafters_stays_a_group_notice():
    pg = prose(["中国电子工业标准化技术协会", "关于发布团体标准的公告", "经审查，批准《工业互联网平台 微服务参考框架》团体标准发布，现予公告。",
                "标准编号：T/CESA 1188-2021", "起草单位：工业和信息化部电子第五研究所、华南理工大学", "以上标准自2021年2月20日起实施。",
                "中国电子工业标准化技术协会", "2021年2月14日"])
    dc = extract_document(doc_of(pg))
    got = _got(dc)
    assert got["level"].value == "group" and not got["level"].flags  # not read as an MIIT notice (电子工业标准 ≈ 行业标准)
    assert got["implement_date"].value == date(2021, 2, 20)


def test_miit_body_date_after_who_publishes_the_texts():
    pg = prose(["中华人民共和国工业和信息化部", "公 告", "工业和信息化部批准《工业互联网平台 企业上云效果评价方法》等1项行业标准，现予公告。",
                "标准编号：SJ/T 11735-2021", "以上电子行业标准由中国电子技术标准化研究院组织出版，自2021年7月1日起实施。",
                "工业和信息化部", "2021年3月5日"])
    got = _got(extract_document(doc_of(pg)))
    assert got["implement_date"].value == date(2021, 7, 1) and got["standards"].value[0].implement_date == date(2021, 7, 1)


def test_a_hole_in_the_drafting_units_line_is_flagged_and_so_is_the_lead_read_from_it():
    from core.models import Applicant
    from extract.claimset import mark_lead
    from tests.extract.builders import OCR, page

    # OCR lost "有限公司、华南理" under a blot: two pieces of one line far apart
    pg = page([line("GB/T 39622—2021", 500, 20), line("前 言", 250, 60), line("本文件起草单位：广州恒通精密制造科技", 60, 100),
               line("工大学、工业和信息化部电子第五研究所。", 420, 100), line("本文件主要起草人：孙娟、刘明。", 60, 130)], source=OCR)
    dc = extract_document(doc_of(pg))
    units = dc.get("drafting_units")
    assert [f.code for f in units.flags] == ["text_gap"] and units.confidence <= 0.5  # the joined name is not trusted
    mark_lead(dc, Applicant(name="广州恒通精密制造科技有限公司"))
    lead = dc.get("applicant_is_lead")
    assert lead.value is False and "uncertain_units" in [f.code for f in lead.flags]


def test_fewer_rows_read_than_the_notice_publishes_is_flagged():
    full = _got(extract_document(doc_of(text_page("industry_miit.txt", "industry_miit_annex.tsv"))))
    assert not full["standards"].flags  # 等3项, three rows
    cut = _got(extract_document(doc_of(text_page("industry_miit.txt", "industry_miit_rows.tsv"))))  # an annex of two rows
    assert [f.code for f in cut["standards"].flags] == ["rows_missing"]


def test_the_standard_a_notice_names_is_the_one_it_approves_not_the_law_it_cites():
    # the body opens with the laws it acts under (《中华人民共和国标准化法》…): the standard it speaks
    # of is the one its approval sentence names (批准发布《…》等2项), here the annex's second row
    pg = text_page("provincial_gd.txt", "provincial_gd_annex.tsv")
    body = [ln.model_copy(update={"text": ln.text.replace("批准发布《工业设备上云接入规范》", "批准发布《工业互联网标识解析 企业节点建设指南》")})
            for ln in pg.lines if not ln.text.endswith("的公告")]
    got = _got(extract_document(doc_of(pg.model_copy(update={"lines": body}))))
    assert got["standard_code"].value == "DB44/T 1877-2025"
    assert got["standard_title"].value == "工业互联网标识解析 企业节点建设指南"


def test_a_notice_without_a_table_titles_its_standard_from_the_approval_not_the_rules():
    pg = prose(["某某产业联盟关于发布团体标准的公告",
                "根据《中华人民共和国标准化法》和《团体标准管理规定》，经审查，批准发布《工业设备互联规范》团体标准，现予公告。",
                "标准编号：T/ABC 12-2025", "某某产业联盟", "2025年3月8日"])
    assert _got(extract_document(doc_of(pg)))["standard_title"].value == "工业设备互联规范"


@pytest.mark.parametrize("title", ["建设工程施工现场安全管理规定", "工业互联网标识解析节点运营实施细则"])
def test_a_standard_the_approval_names_is_its_title_even_when_it_reads_like_a_rule(title):
    # the laws a notice acts under are left out of the first 《》 it names, never of the one it approves
    pg = prose(["某某产业联盟关于发布团体标准的公告",
                f"根据《团体标准管理规定》，经审查，批准发布《{title}》团体标准，现予公告。",
                "标准编号：T/ABC 12-2025", "某某产业联盟", "2025年3月8日"])
    assert _got(extract_document(doc_of(pg)))["standard_title"].value == title
