"""Default engine: PP-OCRv4 (det + angle cls + rec) through rapidocr_onnxruntime, on CPU."""
from __future__ import annotations

import os
from functools import lru_cache
from importlib.metadata import version as _pkg_version
from pathlib import Path
from typing import Any

import numpy as np

from core.models import Box, Line


def _threads() -> int:
    # Each worker process of a pool should ask for 1 thread, or two workers fight over cores.
    return int(os.environ.get("DOSSIER_OCR_THREADS", "0") or 0)


@lru_cache(maxsize=2)
def rapid_instance(threads: int | None = None):
    """The RapidOCR object, built once per process (model load ~0.5 s)."""
    from rapidocr_onnxruntime import RapidOCR

    threads = _threads() if threads is None else threads
    kwargs: dict[str, Any] = {}
    if threads > 0:
        # Global keys: rapidocr 1.4 copies the global thread settings over per-stage ones.
        kwargs = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
    return RapidOCR(**kwargs)


def _model_names() -> list[str]:
    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    return sorted(p.stem for p in models.glob("*.onnx"))


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, text_score: float = 0.5, use_cls: bool = True, seal_pass: bool = True):
        self.version = f"rapidocr-onnxruntime {_pkg_version('rapidocr-onnxruntime')} ({', '.join(_model_names())})"
        # seal_pass: pages with a red seal get a second pass with the seal lifted off (see
        # ingest.seal); a setting, so it is part of the OCR cache key.
        self.settings: dict[str, Any] = {"text_score": text_score, "use_cls": use_cls, "seal_pass": seal_pass}
        if seal_pass:
            from ingest import seal

            self.settings["seal_version"] = seal.VERSION

    @property
    def ocr(self):
        return rapid_instance()

    def read(self, image: np.ndarray) -> list[Line]:
        result, _ = self.ocr(image, use_cls=self.settings["use_cls"], text_score=self.settings["text_score"])
        lines = []
        for quad, text, score in result or []:
            if text.strip():
                lines.append(Line(text=text, box=Box.from_quad(quad), confidence=float(score)))
        return lines

    def _scales(self, shape: tuple[int, ...]) -> tuple[float, float]:
        """(shrink, detector scale) rapidocr applies to a page of this shape: pages over
        max_side_len are shrunk first, then the detector enlarges the short side to its limit."""
        ocr = self.ocr
        h, w = shape[:2]
        shrink = min(1.0, ocr.max_side_len / max(h, w))
        h, w = h * shrink, w * shrink
        det = ocr.text_det
        if det.limit_type == "min":
            return shrink, max(1.0, det.limit_side_len / min(h, w))
        return shrink, min(1.0, det.limit_side_len / max(h, w))

    def read_crop(self, crop: np.ndarray, page_shape: tuple[int, ...]) -> list[Line]:
        """Lines on a part of a page, read at the scale the whole page is read at (the
        detector's own rule would blow a small crop up to its 736 px short side)."""
        import cv2

        ocr = self.ocr
        shrink, scale = self._scales(page_shape)
        img = crop if shrink == 1.0 else cv2.resize(crop, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        h, w = img.shape[:2]
        size = (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32))
        pre = ocr.text_det.get_preprocess(max(h, w))
        x = pre.permute(pre.normalize(cv2.resize(img, size)))[None].astype(np.float32)
        preds = ocr.text_det.infer(x)[0]
        boxes, _ = ocr.text_det.postprocess_op(preds, (h, w))
        boxes = ocr.text_det.filter_tag_det_res(boxes, (h, w))
        if len(boxes) == 0:
            return []
        boxes = ocr.sorted_boxes(boxes)
        crops = ocr.get_crop_img_list(img, boxes)
        if self.settings["use_cls"]:
            crops, _, _ = ocr.text_cls(crops)
        rec_res, _ = ocr.text_rec(crops, False)
        return self._lines([np.asarray(b) / shrink for b in boxes], rec_res)

    def _lines(self, quads, rec_res) -> list[Line]:
        lines = []
        for quad, (text, score, *_rest) in zip(quads, rec_res):
            if float(score) >= self.settings["text_score"] and text.strip():
                lines.append(Line(text=text, box=Box.from_quad(quad.tolist()), confidence=float(score)))
        return lines

    def read_oriented(self, image: np.ndarray) -> tuple[list[Line], np.ndarray, int, float]:
        """Read a page and turn it upright on the way, reusing this pass's own detection and
        angle classification: an upright page costs exactly one OCR pass; a turned or skewed
        one costs a second pass on the corrected image. Returns (lines, image read, rotation, skew)."""
        from ingest import orient

        ocr = self.ocr
        h, w = image.shape[:2]
        img, ratio_h, ratio_w = ocr.preprocess(image)
        record = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
        img, record = ocr.maybe_add_letterbox(img, record)
        boxes, _ = ocr.auto_text_det(img)
        if boxes is None:
            return [], image, 0, 0.0
        crops = ocr.get_crop_img_list(img, boxes)
        crops, cls_res, _ = ocr.text_cls(crops)
        rotation, skew = orient.decide(boxes, cls_res)
        if rotation or skew:
            corrected = orient.deskew(orient.rotate(image, rotation), skew)
            return self.read(corrected), corrected, rotation, skew
        rec_res, _ = ocr.text_rec(crops, False)
        return self._lines(ocr._get_origin_points(boxes, record, h, w), rec_res), image, 0, 0.0
