"""A 前言 photographed by a phone, read by the real OCR engine (issue 8). A shadow over half the
sheet fades the long lines that run into it: their mean text probability falls under the
detector's box threshold and rapidocr drops them whole, the 起草单位 line among them. The
engine reads those faint boxes too, and keeps what the recogniser is sure of."""
from pathlib import Path

import pytest

from extract import extract_document
from ingest.cache import NoCache
from ingest.read import read_document
from tests.extract.builders import OCR, line, page
from tests.extract.standard_pages import doc_of

pytestmark = pytest.mark.slow

PHOTO = Path(__file__).parent / "data" / "photos" / "foreword_shadow.jpg"
COVER = page([line("YD/T 3819-2021", 500, 20), line("中华人民共和国通信行业标准", 200, 60)], source=OCR)


def test_foreword_lines_fading_into_a_shadow_are_read_and_give_the_units(tmp_path):
    read = read_document(PHOTO, "f" * 64, PHOTO.name, cache=NoCache(), render_dir=tmp_path)
    foreword = read.pages[0]
    texts = [ln.text for ln in foreword.lines]
    assert any(t.startswith("本文件起草单位") for t in texts), texts
    assert any(t.startswith("请注意本文件") for t in texts), texts
    units = extract_document(doc_of(COVER, foreword.model_copy(update={"number": 2}))).get("drafting_units")
    assert units.value == ["广州智造电子科技有限公司", "浪潮云信息技术股份公司", "中国联合网络通信集团有限公司",
                           "广州广电计量检测股份有限公司", "华南理工大学", "中国移动通信集团有限公司"]
    assert not units.flags


def test_faint_boxes_are_a_setting_of_the_engine_so_old_cached_pages_are_read_again():
    from ingest.ocr.rapid import RapidOcrEngine

    assert RapidOcrEngine().settings["weak_box_thresh"] < 0.5
