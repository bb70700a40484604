"""Real OCR on rendered Chinese text: engines, orientation, skew, image safety, the page cache."""
import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from core.models import FileStatus
from ingest import orient
from ingest.cache import OcrCache
from ingest.image import ImageError, iter_frames, load_images
from ingest.ocr import EngineUnavailable, available_engines, get_engine
from ingest.read import read_document
from tests.ingest.makers import INVOICE_LINES, png_bytes, text_image

pytestmark = pytest.mark.slow


def squash(text: str) -> str:
    return text.replace(" ", "").replace("￥", "¥")


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return text_image()


@pytest.fixture(scope="module")
def rapid():
    return get_engine("rapidocr")


@pytest.fixture(scope="module")
def upright_lines(page, rapid):
    """One real reading of the upright page, which two tests look at (a reading is seconds)."""
    return rapid.read(page)


def test_rapidocr_reads_chinese_with_boxes(upright_lines, rapid):
    lines = upright_lines
    text = squash("\n".join(line.text for line in lines))
    for expected in INVOICE_LINES:
        assert squash(expected) in text
    buyer = next(line for line in lines if "购买方" in line.text)
    # Rendered at x=40, y=40 + 64 (second line), 32 px font.
    assert buyer.box.x0 == pytest.approx(40, abs=6) and buyer.box.y0 == pytest.approx(104, abs=8)
    assert 0.8 < buyer.confidence <= 1
    assert "ch_PP-OCRv4_rec_infer" in rapid.version and rapid.name == "rapidocr"


def test_tesseract_reads_chinese_for_real(page):
    tess = get_engine("tesseract")
    text = squash("".join(line.text for line in tess.read(page)))
    assert "24322000000489101796" in text
    assert "广州市黄埔区" in text
    assert "tesseract" in tess.version


def test_engine_registry(tmp_path, monkeypatch):
    assert {"rapidocr", "rapidocr3", "tesseract"} <= set(available_engines())
    with pytest.raises(EngineUnavailable, match="unknown OCR engine"):
        get_engine("nope")
    # paddleocr lives in an environment of its own; where none was installed it says how.
    monkeypatch.setenv("DOSSIER_PADDLEOCR_HOME", str(tmp_path / "none"))
    with pytest.raises(EngineUnavailable, match="dossier engines install paddleocr"):
        get_engine("paddleocr")


@pytest.mark.parametrize("turn, expected", [
    (cv2.ROTATE_90_CLOCKWISE, 270), (cv2.ROTATE_180, 180), (cv2.ROTATE_90_COUNTERCLOCKWISE, 90),
])
def test_turned_pages_are_read_upright(tmp_path, page, turn, expected):
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_bytes(cv2.rotate(page, turn)))
    doc = read_document(scan, f"{expected:064d}", "scan.png", cache=OcrCache(tmp_path / "c"), render_dir=tmp_path / "p")
    [p] = doc.pages
    assert p.rotation == expected
    assert squash(INVOICE_LINES[1]) in squash(p.text)
    assert (p.width, p.height) == (page.shape[1], page.shape[0])  # boxes are in the upright image
    assert orient.detect(cv2.rotate(page, turn)) == (expected, 0.0)  # the standalone detector agrees


@pytest.mark.parametrize("lean", [3.0, -3.0])
def test_small_skew_is_measured_and_straightened(tmp_path, page, lean):
    leaning = orient.deskew(page, -lean)  # deskew(-x) tilts the page x degrees clockwise
    scan = tmp_path / "skew.png"
    scan.write_bytes(png_bytes(leaning))
    [p] = read_document(scan, "5" * 64, "skew.png", cache=OcrCache(tmp_path / "c"), render_dir=tmp_path / "p").pages
    assert p.rotation == 0 and p.skew == pytest.approx(lean, abs=0.4)
    assert squash(INVOICE_LINES[1]) in squash(p.text)
    buyer = next(line for line in p.lines if "购买方" in line.text)
    assert buyer.box.height < 50  # a straight line of 32 px text, not a slanted band


def test_upright_page_costs_one_pass(page, rapid, upright_lines):
    lines, image, rotation, skew = rapid.read_oriented(page)
    assert (rotation, skew) == (0, 0.0) and image is page
    assert [l.text for l in lines] == [l.text for l in upright_lines]


def test_decompression_bomb_is_refused_without_decoding(tmp_path):
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, "PNG")  # 144 MP, a few kB on disk
    with pytest.raises(ImageError, match="megapixels exceeds|decompression bomb"):
        load_images(buf.getvalue(), "bomb.png")
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(buf.getvalue())
    doc = read_document(bomb, "b" * 64, "bomb.png", render_dir=tmp_path / "p")
    assert doc.status == FileStatus.error and "bomb" in doc.error


def test_exif_orientation_and_multipage_tiff(page, tmp_path):
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    Image.fromarray(cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE)[:, :, ::-1]).save(buf, "JPEG", exif=exif)
    [upright] = load_images(buf.getvalue(), "exif.jpg")
    assert upright.shape == page.shape

    buf = io.BytesIO()
    frames = [Image.fromarray(page[:, :, ::-1]), Image.fromarray(page[:200, :, ::-1])]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    loaded = load_images(buf.getvalue(), "scan.tiff")
    assert [f.shape for f in loaded] == [page.shape, (200, page.shape[1], 3)]
    # read_document hands the file itself: its frames are read from disk one at a time
    tiff = tmp_path / "scan.tiff"
    tiff.write_bytes(buf.getvalue())
    assert all((a == b).all() for a, b in zip(iter_frames(tiff, "scan.tiff"), loaded, strict=True))

    buf = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(buf, "PNG")  # a transparent screenshot
    assert load_images(buf.getvalue(), "clear.png")[0][0, 0].tolist() == [255, 255, 255]

    with pytest.raises(ImageError, match="damaged or truncated|not a readable"):
        load_images(png_bytes(page)[:500], "cut.png")


def test_cache_key_follows_engine_settings(tmp_path, page):
    # the page's left 420 px: square, so the detector (which enlarges the short side to 736 px)
    # reads about 736², where a flat 120 px strip of the page cost it about 736 × 6000
    scan = tmp_path / "s.png"
    scan.write_bytes(png_bytes(page[:, :420]))
    cache = OcrCache(tmp_path / "cache")
    engine = get_engine("rapidocr")
    first = read_document(scan, "c" * 64, "s.png", engine=engine, cache=cache, render_dir=tmp_path / "p")
    assert not first.pages[0].cached
    second = read_document(scan, "c" * 64, "s.png", engine=engine, cache=cache, render_dir=tmp_path / "p")
    assert second.pages[0].cached and second.pages[0].seconds == 0.0
    engine.settings = {**engine.settings, "text_score": 0.6}
    third = read_document(scan, "c" * 64, "s.png", engine=engine, cache=cache, render_dir=tmp_path / "p")
    assert not third.pages[0].cached and third.pages[0].source.settings["text_score"] == 0.6
    from ingest.cache import NoCache

    fresh = read_document(scan, "c" * 64, "s.png", engine=engine, cache=NoCache(), render_dir=tmp_path / "p")
    assert not fresh.pages[0].cached and fresh.pages[0].lines == third.pages[0].lines and fresh.pages[0].lines


def test_scanned_invoice_qr_becomes_tags(tmp_path, page):
    from tests.ingest.makers import qr_image

    payload = "01,04,044031900111,12345678,1234.50,20230102,12345678901234567890,ABCD"
    scan = page.copy()
    code = qr_image(payload, module_px=3)
    scan[240:240 + code.shape[0], 1000 - 20 - code.shape[1]:1000 - 20] = code  # right of the text, bottom
    path = tmp_path / "qr.png"
    path.write_bytes(png_bytes(scan))
    [p] = read_document(path, "9" * 64, "qr.png", cache=OcrCache(tmp_path / "c"), render_dir=tmp_path / "p").pages
    assert p.tags["qr.invoice_code"] == ["044031900111"] and p.tags["qr.amount_excl_tax"] == ["1234.50"]
