"""The family loader: YAML families validated strictly, a bad file named, detection."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.families import Family, FamilyError, detect, families, family, load_dir, load_file


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
id: shop
name: a shop's invoice
source: test
detect: {all_of: [发票], any_of: [小卖部]}
labels: {seller_name: [销售方名称, 名称]}
patterns: {number: '\\d{8}'}
blocks: {buyer: {start: [购买方], end: [销售方]}}
"""


def test_a_good_family_loads_with_its_patterns_compiled(tmp_path):
    fam = load_file(_write(tmp_path / "invoice", "shop.yaml", GOOD))
    assert isinstance(fam, Family) and fam.doc_type == "invoice"
    assert fam.label("seller_name") == ["销售方名称", "名称"]
    assert fam.regex["number"].search("号码12345678")
    assert fam.blocks["buyer"].end == ["销售方"]


@pytest.mark.parametrize("bad, says", [
    (GOOD + "colour: red\n", "colour"),                                  # unknown key
    (GOOD.replace("'\\d{8}'", "'(unclosed'"), "does not compile"),        # broken regex
    (GOOD.replace("detect: {all_of: [发票], any_of: [小卖部]}", "detect: {}"), "all_of or any_of"),
    (GOOD.replace("source: test", "source: ''"), "source"),
    (GOOD.replace("[销售方名称, 名称]", "[]"), "seller_name"),
    ("id: [unclosed\n", "cannot read"),
    ("- a list\n", "mapping"),
    (GOOD.replace("id: shop", "id: shop\ndoc_type: contract"), "under"),
])
def test_a_bad_family_is_a_clear_error_naming_its_file(tmp_path, bad, says):
    path = _write(tmp_path / "invoice", "broken.yaml", bad)
    with pytest.raises(FamilyError) as err:
        load_dir(path.parent)
    assert "broken.yaml" in str(err.value) and says in str(err.value)


def test_two_families_with_one_id_are_refused(tmp_path):
    _write(tmp_path / "invoice", "a.yaml", GOOD)
    _write(tmp_path / "invoice", "b.yaml", GOOD)
    with pytest.raises(FamilyError, match="twice"):
        load_dir(tmp_path / "invoice")


def test_every_shipped_family_loads():
    root = Path(__file__).parents[2] / "extract" / "families"
    kinds = [p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")]
    assert "contract" in kinds
    for kind in kinds:
        assert families(kind), kind
        assert all(f.doc_type == kind for f in families(kind))
    assert families("no_such_kind") == ()


def test_detection_picks_the_family_whose_cues_the_text_carries():
    tech = "技术开发（委托）合同\n项目名称：智能传感器研发\n委托方（甲方）：广州某某科技有限公司\n受托方（乙方）：某某大学"
    assert detect("contract", tech).id == "tech_development"
    plain = "采购合同\n甲方：广州某某科技有限公司\n乙方：深圳某某电子有限公司"
    assert detect("contract", plain).id != "tech_development"
    assert detect("contract", "一份与合同无关的说明") is None


def test_fuzzy_cues_survive_one_ocr_slip(tmp_path):
    _write(tmp_path / "contract", "a.yaml", GOOD.replace("id: shop", "id: a").replace(
        "detect: {all_of: [发票], any_of: [小卖部]}", "detect: {all_of: [技术服务合同]}"))
    _write(tmp_path / "contract", "b.yaml", GOOD.replace("id: shop", "id: b").replace(
        "detect: {all_of: [发票], any_of: [小卖部]}", "detect: {all_of: [技术服务合同], fuzzy: false}"))
    fams = load_dir(tmp_path / "contract")
    text = "技术服条合同"  # 务 misread
    assert [f.id for f in fams if f.score(text) is not None] == ["a"]


SHARED = """\
options:
  overprints: [仅供存档, 复印无效]
  overprint_patterns: ['仅供[^，]{0,16}?使用']
"""


def test_a_family_inherits_its_kinds_defaults_and_may_replace_or_extend_them(tmp_path):
    folder = tmp_path / "business_licence"
    _write(folder, "_defaults.yaml", SHARED)
    _write(folder, "plain.yaml", GOOD.replace("id: shop", "id: plain") + "options: {spread: {company_name: 名称}}\n")
    _write(folder, "own.yaml", GOOD.replace("id: shop", "id: own") + "options: {overprint_patterns: ['仅用于.{0,8}申报']}\n")
    _write(folder, "more.yaml", GOOD.replace("id: shop", "id: more") + "options: {overprints+: [他用无效]}\n")
    fams = {f.id: f for f in load_dir(folder)}
    assert set(fams) == {"plain", "own", "more"}  # the defaults are no family
    assert fams["plain"].option("overprint_patterns") == ["仅供[^，]{0,16}?使用"]
    assert fams["plain"].option("spread") == {"company_name": "名称"} and fams["plain"].label("seller_name") == ["销售方名称", "名称"]
    assert fams["own"].option("overprint_patterns") == ["仅用于.{0,8}申报"] and fams["own"].option("overprints") == ["仅供存档", "复印无效"]
    assert fams["more"].option("overprints") == ["仅供存档", "复印无效", "他用无效"]


@pytest.mark.parametrize("defaults, says", [
    ("colour: red\n", "colour"), ("options: [a]\n", "options"), ("- a\n", "mapping"),
])
def test_bad_defaults_are_a_clear_error_naming_their_file(tmp_path, defaults, says):
    _write(tmp_path / "invoice", "_defaults.yaml", defaults)
    _write(tmp_path / "invoice", "shop.yaml", GOOD)
    with pytest.raises(FamilyError) as err:
        load_dir(tmp_path / "invoice")
    assert "_defaults.yaml" in str(err.value) and says in str(err.value)


def test_the_licence_families_share_one_overprint_list():
    patterns = {tuple(f.option("overprint_patterns")) for f in families("business_licence")}
    assert len(patterns) == 1 and all(patterns.pop())
    assert "电子营业执照文件仅供信息参考" in family("business_licence", "electronic").option("overprints")
    assert "仅供存档" in family("business_licence", "paper_copy").option("overprints")


# one line of each shipped family's own wording (its test files read it in full)
WORDING = {
    ("business_licence", "paper_copy"): "营业执照\n（副本）\n统一社会信用代码91320113580452133T\n名称南京文化艺术产权交易所有限公司",
    ("business_licence", "electronic"): "营业执照\n电子营业执照文件仅供信息公示\n统一社会信用代码91440606MADQXEQG9G\n扫码查验",
    ("business_licence", "sole_proprietorship"): "电子营业执照\n类型个人独资企业\n投资人杨善祥\n出资额人民币3.0000万元整",
    ("contract", "generic"): "合作协议\n甲方：广州云栖工业科技有限公司\n乙方：深圳数联软件服务有限公司",
    ("contract", "construction"): "建设工程施工合同\n发包人（全称）：广州云栖工业科技有限公司\n承包人（全称）：中建科工集团有限公司",
    ("contract", "lease"): "租赁合同\n出租方：（以下简称甲方）某某公司\n承租方：（以下简称乙方）某某公司\n四、租金及支付方式",
    ("contract", "procurement"): "政府采购合同\n采购人（甲方）：广州市黄埔区科学技术局\n供应商（乙方）：深圳数联软件服务有限公司",
    ("contract", "rd_commission"): "委托开发合同\n委托人：广州云栖工业科技有限公司\n研究开发人：华南理工大学",
    ("contract", "sale"): "买卖合同\n买方：广州云栖工业科技有限公司\n卖方：深圳数联软件服务有限公司",
    ("contract", "supply_demand"): "购销合同\n甲（供）方：深圳数联软件服务有限公司\n乙（需）方：广州云栖工业科技有限公司",
    ("contract", "tech_development"): "技术开发（委托）合同\n委托方（甲方）：广州云栖工业科技有限公司\n受托方（乙方）：华南理工大学",
    ("contract", "tech_service"): "技术服务合同\n委托方（甲方）：广州云栖工业科技有限公司\n受托方（乙方）：深圳数联软件服务有限公司",
    ("contract", "tech_transfer"): "技术转让（技术秘密）合同\n受让方（甲方）：广州云栖工业科技有限公司\n让与方（乙方）：深圳数联软件服务有限公司",
    ("invoice", "vat_paper"): "广东增值税专用发票\n发票代码：4400203130\n机器编号：499099608497\n密码区",
    ("invoice", "dai_kai"): "广东增值税专用发票\n发票代码：4400203130\n备注 代开企业名称：广州市黄埔区星河五金加工厂\n税务局代开发票专用章",
    ("invoice", "shudian"): "电子发票（增值税专用发票）\n发票号码：24442000000123456789\n购买方信息\n销售方信息",
    ("standard_notice", "national"): "国家市场监督管理总局（国家标准化管理委员会）批准《信息技术 低功耗无线通信网络》等2项推荐性国家标准",
    ("standard_notice", "industry_miit"): "工业和信息化部批准《…》等3项行业标准，其中通信行业标准2项、电子行业标准1项",
    ("standard_notice", "provincial"): "广东省市场监督管理局关于批准发布《工业互联网平台应用指南》等2项地方标准的公告",
    ("standard_notice", "group"): "中国通信工业协会关于发布《工业互联网标识解析》团体标准的公告",
    ("standard_notice", "international"): "INTERNATIONAL STANDARD ISO/IEC 30141 Second edition Publication date 2024-08",
    ("standard_notice", "filing_industry"): "中华人民共和国行业标准\n备案月报\n2026年第7号(总第315号)\n序号 备案号 标准编号 标准名称",
    ("standard_notice", "filing_local"): "中华人民共和国地方标准\n备案月报\n2026年第7号(总第312号)\n序号 备案号 标准编号 标准名称",
    ("standard_notice", "platform"): "全国标准信息公共服务平台\n标准号 GB/T 38378-2019\n中文标准名称 新闻出版 知识服务\n国际标准分类号（ICS） 01.140.40\n起草单位\n标准状态",
    ("standard_notice", "standard_text"): "ICS 35.240\n中华人民共和国国家标准\nGB/T 38378—2019\n前言\n本标准起草单位：中国电子技术标准化研究院",
}


def _shipped() -> set[tuple[str, str]]:
    root = Path(__file__).parents[2] / "extract" / "families"
    return {(kind.name, f.id) for kind in root.iterdir() if kind.is_dir() and not kind.name.startswith("_") for f in families(kind.name)}


def test_every_shipped_family_has_its_wording_here_and_is_picked_on_it():
    """A family added without a sample of its wording fails here, so none goes untested."""
    assert set(WORDING) == _shipped()
    picked = {key: getattr(detect(key[0], text), "id", None) for key, text in WORDING.items()}
    assert {key: fid for key, fid in picked.items() if fid != key[1]} == {}
