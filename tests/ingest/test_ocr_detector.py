"""The default engine's text detector: one call for every way a page is detected, on the real
PP-OCRv4 model, and its session built without onnxruntime's NCHWc layout (issue 11: the
detector's activations were an intake's peak; benchmarks/scan_memory_bench.py measures it)."""
import cv2
import numpy as np
import onnxruntime as ort
import pytest

from ingest.ocr import get_engine, settings_hash
from ingest.ocr.rapid import DET_DISABLED_OPTIMIZERS, RapidOcrEngine, _det_model_path
from tests.ingest.makers import text_image

LINES = ["广州市黄埔区 企业研发费用补助申请表", "统一社会信用代码 91440116MA59XXXX2B", "申请金额（元） 1,250,000.00",
         "联系人 张三  联系电话 020-82112345", "T/CAMET 04011.1—2018 城市轨道交通"]


@pytest.fixture(scope="module")
def rapid():
    return get_engine("rapidocr")


@pytest.fixture(scope="module")
def page(rapid):
    img, _, _ = rapid._prepare(text_image(LINES, size=(1240, 700), font_size=30))
    return img


def test_one_detector_call_finds_what_rapidocrs_own_detector_finds(rapid, page):
    own, _ = rapid.ocr.auto_text_det(page)
    boxes, faint = rapid._detect(page)
    assert len(boxes) >= len(LINES) and not faint.any()
    assert np.array_equal(boxes, np.asarray(own))
    with_faint, faint = rapid._detect(page, weak=True)
    assert np.array_equal(with_faint[~faint], boxes)  # the faint ones come on top, in reading order


def test_a_crop_is_detected_at_the_scale_asked_for(rapid, page):
    half, _ = rapid._detect(cv2.resize(page, None, fx=0.5, fy=0.5), scale=2.0)
    whole, _ = rapid._detect(page)
    assert len(half) == len(whole)
    assert np.abs(half * 2 - whole).max() < 12  # the same lines, within the half-size image's pixels


def test_the_detector_runs_without_the_nchwc_layout(rapid, page):
    """Its probabilities are those of a session built without NchwcTransformer. Whether the layout
    would have changed them depends on the CPU (onnxruntime applies it only where its kernels
    exist, and then the last digits move: another order of summation), so what holds everywhere
    is asked: the same as such a session, a valid map either way, and the setting in the cache key."""
    x = rapid.ocr.text_det.get_preprocess(max(page.shape[:2]))(page)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1

    def fresh(**kw):
        session = ort.InferenceSession(_det_model_path(), options, providers=["CPUExecutionProvider"], **kw)
        return session.run(None, {session.get_inputs()[0].name: x})[0]

    ours = rapid._det_infer(x)
    assert DET_DISABLED_OPTIMIZERS == ("NchwcTransformer",)
    assert np.array_equal(ours, fresh(disabled_optimizers=list(DET_DISABLED_OPTIMIZERS)))
    default = fresh()
    assert ours.shape == default.shape and 0 <= ours.min() and ours.max() <= 1
    assert np.abs(ours - default).max() < 1e-2  # equal, or apart in the last digits where the CPU has the layout
    assert rapid.settings["det_disabled_optimizers"] == ["NchwcTransformer"]
    with_layout = type("WithLayout", (RapidOcrEngine,), {"det_disabled_optimizers": ()})()
    assert "det_disabled_optimizers" not in with_layout.settings
    assert settings_hash(with_layout) != settings_hash(rapid)  # a page read either way is cached apart
