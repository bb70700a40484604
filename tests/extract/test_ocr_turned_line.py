"""The angle classifier now and then calls one line of an upright scan upside down (a generated
技术开发合同 scan: 第五条, the article that states the amount, classified "180" at 0.94) and
the turned crop reads as nothing: the article's amount was lost. The engine reads a line the
classifier turned as printed too, and keeps the surer reading."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

pytestmark = pytest.mark.slow
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
TEXT = "第五条 甲方应按以下方式支付研究开发经费和报酬"


def _line() -> np.ndarray:
    img = Image.new("RGB", (760, 48), "white")
    ImageDraw.Draw(img).text((10, 8), TEXT, fill=(20, 20, 20), font=ImageFont.truetype(FONT, 30))
    return np.array(img)[:, :, ::-1].copy()


def test_a_line_the_classifier_turned_wrongly_is_read_as_printed():
    from ingest.ocr.rapid import RapidOcrEngine

    engine = RapidOcrEngine()
    printed = _line()
    wrongly_turned = cv2.rotate(printed, cv2.ROTATE_180)  # what the classifier's false "180" hands on
    [(text, score, _)] = engine._recognise_checked([printed], [wrongly_turned])
    assert text.replace(" ", "") == TEXT.replace(" ", "") and score > 0.9
    # a line it leaves alone is read once, as it is
    [(same, _, _)] = engine._recognise_checked([printed], [printed])
    assert same.replace(" ", "") == TEXT.replace(" ", "")
