"""The OCR engines beside the default, read for real on real invoice photos, offline."""
import hashlib
import os

import cv2
import pytest

from ingest.cache import OcrCache
from ingest.ocr import EngineUnavailable, get_engine
from ingest.read import read_document

pytestmark = pytest.mark.slow

SPECIAL = "guanshuicheng_invoice__增值税专用发票.jpg"
ELECTRONIC = "guanshuicheng_invoice__电子发票.png"


def read(path, tmp_path, engine):
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return read_document(path, sha, path.name, engine=engine, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "p")


@pytest.fixture(scope="module")
def rapid3():
    return get_engine("rapidocr3")


def test_rapidocr3_reads_as_the_raw_package_does_from_its_wheels_models(shared, rapid3):
    from ingest.ocr.rapid import rapid3_instance

    image = cv2.imread(str(shared / "realdocs" / SPECIAL))
    raw = rapid3_instance()(image)
    mine = rapid3.read(image)
    assert [line.text for line in mine] == list(raw.txts)
    assert "PP-OCRv6_rec_small" in rapid3.version and "rapidocr 3." in rapid3.version


def test_rapidocr3_through_the_pipeline_turns_pages_and_reads_round_seals(tmp_path, shared, rapid3):
    src = shared / "realdocs" / SPECIAL
    turned = tmp_path / "turned.png"
    cv2.imwrite(str(turned), cv2.rotate(cv2.imread(str(src)), cv2.ROTATE_180))
    [page] = read(turned, tmp_path, rapid3).pages
    assert page.rotation == 180
    assert page.source.engine == "rapidocr3" and page.source.settings["seals"] == 1
    text = "".join(line.text for line in page.lines)
    assert "87654321" in text and "此联不作报销、扣税凭证使用" in text   # the line under the seal


def test_the_engine_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DOSSIER_OCR_ENGINE", "rapidocr3")
    assert get_engine().name == "rapidocr3"
    monkeypatch.delenv("DOSSIER_OCR_ENGINE")
    assert get_engine().name == "rapidocr"
    with pytest.raises(EngineUnavailable, match="unknown OCR engine"):
        get_engine("nope")


def _paddle():
    try:
        return get_engine("paddleocr")
    except EngineUnavailable as exc:
        pytest.skip(f"paddleocr is not installed here ({exc})")


def test_paddleocr_reads_a_real_invoice_offline(tmp_path, shared):
    engine = _paddle()
    assert "paddleocr 3." in engine.version
    [page] = read(shared / "realdocs" / ELECTRONIC, tmp_path, engine).pages
    text = "".join(line.text for line in page.lines).replace(" ", "")
    assert page.source.engine == "paddleocr"
    assert "33207675" in text and "天津增值税电子普通发票" in text
    assert all(0 <= line.box.x0 < line.box.x1 <= page.width for line in page.lines)


def test_paddleocr_pages_go_upright_through_the_projects_own_step(tmp_path, shared):
    engine = _paddle()
    turned = tmp_path / "turned.png"
    cv2.imwrite(str(turned), cv2.rotate(cv2.imread(str(shared / "realdocs" / ELECTRONIC)), cv2.ROTATE_180))
    [page] = read(turned, tmp_path, engine).pages
    assert page.rotation == 180
    assert "33207675" in "".join(line.text for line in page.lines).replace(" ", "")
