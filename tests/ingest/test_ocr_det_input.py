"""The detector's input (issue 11): rapidocr's normalisation to the bit, built in the C order
onnxruntime runs on, so the session does not copy a page-sized array for its whole run."""
import numpy as np
from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

from ingest.ocr.rapid import det_input
from tests.ingest.makers import text_image


def test_the_detector_input_is_rapidocrs_own_value_for_value_and_contiguous():
    page = text_image(["广州市黄埔区 企业研发费用补助申请表", "申请金额（元） 1,250,000.00"], size=(1414, 2000), font_size=30)
    page[:256, :8] = np.arange(256, dtype=np.uint8)[:, None, None]  # every pixel value, in each channel
    pre = DetPreProcess(736, "min")
    own = pre(page)
    ours = det_input(pre.resize(page), pre.scale, pre.mean, pre.std)
    assert ours.dtype == own.dtype == np.float32 and ours.shape == own.shape == (1, 3, 1984, 1408)
    assert np.array_equal(ours, own)
    assert ours.flags["C_CONTIGUOUS"] and not own.flags["C_CONTIGUOUS"]
