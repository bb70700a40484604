"""The family loader: YAML families validated strictly, a bad file named, detection."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.families import Family, FamilyError, detect, families, load_dir, load_file


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
