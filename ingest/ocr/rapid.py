"""PP-OCR (det + angle cls + rec) on onnxruntime, on CPU, through rapidocr's packages:

* `rapidocr` (the default): PP-OCRv4 mobile, from rapidocr_onnxruntime 1.4;
* `rapidocr3`: PP-OCRv6 small, from rapidocr 3.9 (the last 3.x on `opencv-python`, the cv2
  distribution rapidocr_onnxruntime needs too; 3.10 moved to opencv-python-headless).

Both weights ship inside the wheels: nothing is downloaded. The engines run rapidocr's own
stages (detector, classifier, recogniser) in the order rapidocr does, so a page reads as the
raw package reads it, and add what the pipeline needs: orientation from the same pass, and
crops read at the page's scale (the seal pass).

Threads (DOSSIER_OCR_THREADS): 0 lets onnxruntime take every core, right for one `dossier ocr`;
a pool of worker processes sets 1 per worker (flows, benchmarks), or two workers fight over
the cores and each runs slower than alone.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version as _pkg_version
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from core.models import Box, Line
from ingest.ocr.base import EngineUnavailable, threads as ocr_threads

# Lines are recognised one at a time. PP-OCR's recognisers mix the whole line globally, so
# their cost grows faster than the width they are given, and a batch is padded to its widest
# line: on the real invoices (60 lines a page, 1 thread, PP-OCRv4) batches of 1 / 3 / 6 / 12 /
# 48 lines cost 1.6 / 1.9 / 2.5 / 3.4 / 13.8 CPU s a page. rapidocr's default is 6.
REC_BATCH = 1

# Faint lines: the detector keeps a box whose mean text probability reaches box_thresh (0.5).
# A long line that runs into a phone photo's shadow, or across a page's curl, averages under
# that and is dropped whole (a 前言's drafting-units line, the first line of a paragraph).
# Boxes scoring from WEAK_BOX_THRESH up to box_thresh come from the same detector run (they
# are the contours box_thresh filtered out, not new ones) and are read too, but kept only when
# the recogniser is sure of them: on plain pages the few such boxes are specks and rules the
# recogniser reads at low confidence.
WEAK_BOX_THRESH = 0.3
WEAK_TEXT_SCORE = 0.9

# Each glyph's probability goes into Line.glyphs, so a value cut out of a long line is judged
# by its own glyphs, not by the line's mean (rounded: a page holds ~1500 glyphs, all cached).
# Pages cached before it have none, so it is a setting, in the OCR cache key.
GLYPH_DIGITS = 4

# A Han glyph the recogniser skips leaves a hole in its CTC columns: Han glyphs of one line
# stand about 4 columns apart, and a real 数电票 photo read 广州天翱信息 as 广州天信息 with 天 and
# 信 8 apart, every glyph at 0.97 or more. The glyph before such a hole is given GAP_DOUBT at
# most, so a value read across it goes to a reviewer. Before, not after: a letter-spaced label
# leaves the same hole before its value (a licence's 名  称东莞市…, read as one line), and a
# label's doubt costs nothing. A wide gap in print decodes as a space, which breaks the Han pair:
# only unspaced Han neighbours are measured, against the line's own median.
GAP_RATIO = 1.8
# Well under what a doubtful glyph reads at (0.5 is a coin's toss between two readings): a
# skipped glyph is a sure miss, and a value read across it must go to a reviewer.
GAP_DOUBT = 0.25
GAP_MIN_PAIRS = 3  # a line needs this many Han neighbours to say what their spacing is

# The detector sees the whole page (1408×1984 for an A4 scan at 200 dpi), and its activations
# were an intake's peak (issue 11). onnxruntime's NCHWc layout (level 3 of its graph
# optimisations) reorders them into blocks of 8 channels, both copies live around each
# reorder: without it one page's detection takes 371 MB over the model instead of 435, for
# 4 % more CPU. Its probabilities move by under 1e-3 (another order of summation: 2 pixels of
# 2.8 M cross the 0.3 threshold), so it is a setting, in the OCR cache key.
DET_DISABLED_OPTIMIZERS = ("NchwcTransformer",)


def det_input(img: np.ndarray, scale: float, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """The detector's input from a resized BGR page: rapidocr's normalisation, value for value
    ((pixel * scale - mean) / std in float64, stored as float32), filled one channel at a time
    into a C-ordered (1, 3, h, w) array. rapidocr's own returns a transposed view, which
    onnxruntime copies into a contiguous one for the whole run (+34 MB beside the input on an
    A4 page, at the detector's peak), and its float64 page-sized temporaries came to ~200 MB."""
    x = np.empty((1, 3, *img.shape[:2]), dtype=np.float32)
    for c in range(3):
        x[0, c] = (img[:, :, c].astype(np.float32) * scale - mean[c: c + 1]) / std[c: c + 1]
    return x


@lru_cache(maxsize=2)
def rapid_instance(threads: int | None = None):
    """rapidocr_onnxruntime's RapidOCR, built once per process (model load ~0.5 s)."""
    from rapidocr_onnxruntime import RapidOCR

    threads = ocr_threads() if threads is None else threads
    kwargs: dict[str, Any] = {}
    if threads > 0:
        # Global keys: rapidocr 1.4 copies the global thread settings over per-stage ones.
        kwargs = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
    ocr = RapidOCR(**kwargs)
    ocr.text_rec.rec_batch_num = REC_BATCH
    _rebuild_without(ocr.text_det.infer, _det_model_path(), DET_DISABLED_OPTIMIZERS)
    return ocr


def _det_model_path() -> str:
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    return str(update_model_path(read_yaml(DEFAULT_CFG_PATH))["Det"]["model_path"])


def _rebuild_without(infer, model_path: str, optimizers: tuple[str, ...]) -> None:
    """The wrapped onnxruntime session again, with the same options and providers, but
    without the named graph optimisers (rapidocr builds its sessions itself)."""
    import onnxruntime as ort

    old = infer.session
    infer.session = ort.InferenceSession(model_path, old.get_session_options(), providers=old.get_providers(),
                                         provider_options=[old.get_provider_options()[p] for p in old.get_providers()],
                                         disabled_optimizers=list(optimizers))


@lru_cache(maxsize=2)
def rapid3_instance(threads: int | None = None):
    """rapidocr 3.x's RapidOCR with the PP-OCRv6 small models its wheel ships."""
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise EngineUnavailable(f"rapidocr3: the `rapidocr` 3.x package is not installed ({exc}); pip install -e '.'") from exc
    threads = ocr_threads() if threads is None else threads
    params: dict[str, Any] = {"Global.log_level": "warning", "Rec.rec_batch_num": REC_BATCH}
    if threads > 0:
        params |= {"EngineConfig.onnxruntime.intra_op_num_threads": threads,
                   "EngineConfig.onnxruntime.inter_op_num_threads": 1}
    return RapidOCR(params=params)


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def skipped_glyph_doubt(text: str, columns: list[int], glyphs: list[float]) -> list[float]:
    """Each glyph's probability, the glyph before a hole in the Han glyphs' CTC columns (one the
    recogniser skipped: GAP_RATIO) lowered to GAP_DOUBT. columns[i] is where text[i] was decoded."""
    if len(columns) != len(text) or len(glyphs) != len(text):
        return glyphs
    pairs = [i for i in range(1, len(text)) if _han(text[i - 1]) and _han(text[i])]
    if len(pairs) < GAP_MIN_PAIRS:
        return glyphs
    steps = np.array([columns[i] - columns[i - 1] for i in pairs], dtype=float)
    # the mean of the ordinary steps, not their median: columns are whole numbers, and Han glyphs
    # 4 or 5 apart have a median of 5, which put a real skip's 9 just under 1.8×
    typical = float(steps[steps < GAP_RATIO * np.median(steps)].mean())
    out = list(glyphs)
    for i in pairs:
        if columns[i] - columns[i - 1] > GAP_RATIO * typical:
            out[i - 1] = min(out[i - 1], GAP_DOUBT)
    return out


def _model_names(package: str) -> list[str]:
    import importlib

    models = Path(importlib.import_module(package).__file__).parent / "models"
    return sorted(p.stem for p in models.glob("*.onnx"))


class RapidOcrEngine:
    """PP-OCRv4 through rapidocr_onnxruntime 1.4: the default engine."""

    name = "rapidocr"
    package = "rapidocr-onnxruntime"
    module = "rapidocr_onnxruntime"

    weak_boxes = True  # the faint-line rescue (WEAK_BOX_THRESH) is built on rapidocr 1.4's detector
    # The angle classifier now and then calls one line of an upright page upside down (0.94 sure
    # of "180" for a plain line of a scanned contract: 第五条, the article with the amount), and
    # the turned crop reads as nothing. A line it turned is read as printed too, and the surer
    # reading kept (rapidocr 1.4's classifier turns the crops in its list: the originals are kept).
    turned_recheck = True
    det_disabled_optimizers = DET_DISABLED_OPTIMIZERS  # set in rapid_instance
    glyph_probabilities = True  # the recogniser's word-box output carries each glyph's probability

    def __init__(self, text_score: float = 0.5, use_cls: bool = True, seal_pass: bool = True):
        self.version = f"{self.package} {_pkg_version(self.package)} ({', '.join(_model_names(self.module))})"
        # seal_pass: pages with a red seal get a second pass with the seal lifted off (see
        # ingest.seal); a setting, so it is part of the OCR cache key.
        self.settings: dict[str, Any] = {"text_score": text_score, "use_cls": use_cls, "seal_pass": seal_pass,
                                         "rec_batch": REC_BATCH}
        if self.weak_boxes:
            self.settings |= {"weak_box_thresh": WEAK_BOX_THRESH, "weak_text_score": WEAK_TEXT_SCORE}
        if self.turned_recheck:
            self.settings["turned_recheck"] = True
        if self.det_disabled_optimizers:
            self.settings["det_disabled_optimizers"] = list(self.det_disabled_optimizers)
        if self.glyph_probabilities:
            self.settings["glyph_digits"] = GLYPH_DIGITS
            self.settings["glyph_gap"] = [GAP_RATIO, GAP_DOUBT, GAP_MIN_PAIRS, "mean"]
        if seal_pass:
            from ingest import seal

            self.settings["seal_version"] = seal.VERSION

    @property
    def ocr(self):
        return rapid_instance()

    # ------------------------------------------------------------ rapidocr's stages
    def _prepare(self, image: np.ndarray) -> tuple[np.ndarray, tuple[float, float], int]:
        """The page as rapidocr hands it to the detector: pages over max_side_len shrunk, very
        flat strips padded top and bottom. Returns (image, x and y ratios back to the page,
        top pad)."""
        img, ratio_h, ratio_w = self.ocr.preprocess(image)
        img, record = self.ocr.maybe_add_letterbox(img, {})
        return img, (ratio_w, ratio_h), record["padding_1"]["top"]

    def _detect(self, img: np.ndarray, scale: float | None = None, weak: bool = False) -> tuple[np.ndarray | None, np.ndarray]:
        """(boxes, faint) from one detector run, in reading order; (None, []) when there is no
        box the detector is sure of. The detector's input is sized by its own rule, or by
        `scale`. With `weak` (engines with weak_boxes) the boxes it drops as faint (scoring
        WEAK_BOX_THRESH up to its box_thresh) come too, and faint[i] marks boxes[i] as one."""
        det = self.ocr.text_det
        h, w = img.shape[:2]
        pre = det.get_preprocess(max(h, w))
        if scale is None:
            resized = pre.resize(img)
            if resized is None:
                return None, np.zeros(0, dtype=bool)
        else:
            resized = cv2.resize(img, (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32)))
        x = det_input(resized, pre.scale, pre.mean, pre.std)
        del resized  # only the input lives through the detector's run, its peak
        preds = self._det_infer(x)
        del x
        post = det.postprocess_op
        strong_thresh = post.box_thresh
        try:
            post.box_thresh = WEAK_BOX_THRESH if weak and self.weak_boxes else strong_thresh
            found, scores = post(preds, (h, w))
        finally:
            post.box_thresh = strong_thresh
        # filter_tag_det_res drops tiny boxes without saying which: filter each box alone to keep its score
        kept = [(b, s) for box, s in zip(found, scores) for b in self._det_filter([box], (h, w))]
        if not any(s >= strong_thresh for _, s in kept):
            return None, np.zeros(0, dtype=bool)
        order = self._sort(np.asarray([b for b, _ in kept]))
        score_of = {np.asarray(b).tobytes(): s for b, s in kept}
        faint = np.array([score_of[np.asarray(b).tobytes()] < strong_thresh for b in order], dtype=bool)
        return np.asarray(order), faint

    def _det_infer(self, x: np.ndarray) -> np.ndarray:
        return self.ocr.text_det.infer(x)[0]

    def _det_filter(self, boxes, shape):
        return self.ocr.text_det.filter_tag_det_res(boxes, shape)

    def _sort(self, boxes):
        return self.ocr.sorted_boxes(boxes)

    def _det_limits(self) -> tuple[int, str]:
        det = self.ocr.text_det
        return det.limit_side_len, det.limit_type

    def _crops(self, img: np.ndarray, boxes: np.ndarray) -> list[np.ndarray]:
        return self.ocr.get_crop_img_list(img, list(boxes))

    def _classify(self, crops: list[np.ndarray]) -> tuple[list[np.ndarray], list]:
        crops, cls_res, _ = self.ocr.text_cls(crops)
        return crops, cls_res

    def _recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float, list[float]]]:
        """(text, confidence, each glyph's probability) per crop."""
        rec_res, _ = self.ocr.text_rec(crops, True)  # with word boxes: their glyphs' probabilities come too
        # an empty reading's word info is the recogniser's placeholder [0]: sliced to the text, none
        return [(text, float(score), skipped_glyph_doubt(text, [c for word in extra[2] for c in word],
                                                          [float(p) for p in extra[4]][: len(text)]))
                for text, score, extra in rec_res]

    # ------------------------------------------------------------ the engine
    def _lines(self, quads, rec_res, weak=None) -> list[Line]:
        lines = []
        for i, (quad, (text, score, glyphs)) in enumerate(zip(quads, rec_res)):
            floor = WEAK_TEXT_SCORE if weak is not None and weak[i] else self.settings["text_score"]
            if score >= floor and text.strip():
                lines.append(Line(text=text, box=Box.from_quad(np.asarray(quad).tolist()), confidence=score,
                                  glyphs=[round(p, GLYPH_DIGITS) for p in glyphs]))
        return lines

    @staticmethod
    def _to_page(boxes: np.ndarray, ratio: tuple[float, float], top: int = 0) -> np.ndarray:
        return np.clip((boxes - np.array([0.0, top], dtype=np.float32)) * np.array(ratio, dtype=np.float32), 0, None)

    def _recognise_checked(self, raw: list[np.ndarray], crops: list[np.ndarray]) -> list[tuple[str, float, list[float]]]:
        """Recognise the classified crops; a crop the classifier turned is read as printed too
        (turned_recheck) and the surer reading kept."""
        rec = self._recognise(crops)
        turned = [i for i, (a, b) in enumerate(zip(raw, crops)) if a is not b] if self.turned_recheck else []
        if turned:
            for i, again in zip(turned, self._recognise([raw[i] for i in turned])):
                if again[1] > rec[i][1]:
                    rec[i] = again
        return rec

    def _read_boxes(self, img: np.ndarray, boxes: np.ndarray, ratio: tuple[float, float], top: int = 0,
                    weak=None) -> list[Line]:
        raw = crops = self._crops(img, boxes)
        if self.settings["use_cls"]:
            crops, _ = self._classify(list(raw))
        return self._lines(self._to_page(boxes, ratio, top), self._recognise_checked(raw, crops), weak)

    def read(self, image: np.ndarray) -> list[Line]:
        img, ratio, top = self._prepare(image)
        boxes, weak = self._detect(img, weak=True)
        return [] if boxes is None else self._read_boxes(img, boxes, ratio, top, weak)

    def _scales(self, shape: tuple[int, ...]) -> tuple[float, float]:
        """(shrink, detector scale) rapidocr applies to a page of this shape: pages over
        max_side_len are shrunk first, then the detector enlarges the short side to its limit."""
        h, w = shape[:2]
        shrink = min(1.0, self.ocr.max_side_len / max(h, w))
        h, w = h * shrink, w * shrink
        limit, kind = self._det_limits()
        if kind == "min":
            return shrink, max(1.0, limit / min(h, w))
        return shrink, min(1.0, limit / max(h, w))

    def read_line(self, image: np.ndarray) -> tuple[str, float, list[float]]:
        """(text, confidence, each glyph's probability) of an image holding one line, read whole
        by the recogniser with no detection (a seal's unrolled ring: ingest.seal_ring)."""
        return self._recognise([image])[0]

    def read_crop(self, crop: np.ndarray, page_shape: tuple[int, ...]) -> list[Line]:
        """Lines on a part of a page, read at the scale the whole page is read at (the
        detector's own rule would blow a small crop up to its 736 px short side)."""
        shrink, scale = self._scales(page_shape)
        img = crop if shrink == 1.0 else cv2.resize(crop, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        boxes, _ = self._detect(img, scale)
        return [] if boxes is None else self._read_boxes(img, boxes, (1 / shrink, 1 / shrink))

    def read_oriented(self, image: np.ndarray) -> tuple[list[Line], np.ndarray, int, float]:
        """Read a page and turn it upright on the way, reusing this pass's own detection and
        angle classification: an upright page costs exactly one OCR pass; a turned or skewed
        one costs a second pass on the corrected image. Returns (lines, image read, rotation, skew)."""
        from ingest import orient

        img, ratio, top = self._prepare(image)
        boxes, weak = self._detect(img, weak=True)
        if boxes is None:
            return [], image, 0, 0.0
        raw = self._crops(img, boxes)
        crops, cls_res = self._classify(list(raw))
        # the page is turned by the lines the detector is sure of, as it was before faint ones were read
        rotation, skew = orient.decide(boxes[~weak], [c for c, w in zip(cls_res, weak) if not w])
        if rotation or skew:
            corrected = orient.deskew(orient.rotate(image, rotation), skew)
            return self.read(corrected), corrected, rotation, skew
        if not self.settings["use_cls"]:
            crops = raw
        return self._lines(self._to_page(boxes, ratio, top), self._recognise_checked(raw, crops), weak), image, 0, 0.0


class Rapid3OcrEngine(RapidOcrEngine):
    """PP-OCRv6 small through rapidocr 3.x: `--engine rapidocr3`."""

    name = "rapidocr3"
    package = "rapidocr"
    module = "rapidocr"
    weak_boxes = False  # rapidocr 3's detector is its own; the rescue is not measured on it
    turned_recheck = False  # its classifier hands back a new list: nothing to tell the turned crops by
    det_disabled_optimizers = ()  # its detector's session is rapidocr 3's own
    glyph_probabilities = False  # its word-box output is not read here: its lines carry no glyphs

    def __init__(self, *args, **kwargs):
        rapid3_instance()  # EngineUnavailable here, not at the first page, when it is missing
        super().__init__(*args, **kwargs)

    @property
    def ocr(self):
        return rapid3_instance()

    def _prepare(self, image: np.ndarray) -> tuple[np.ndarray, tuple[float, float], int]:
        from rapidocr.utils.process_img import apply_vertical_padding, resize_image_within_bounds

        ocr = self.ocr
        img, ratio_h, ratio_w = resize_image_within_bounds(image, ocr.min_side_len, ocr.max_side_len)
        img, record = apply_vertical_padding(img, {}, ocr.width_height_ratio, ocr.min_height)
        return img, (ratio_w, ratio_h), record["padding_1"]["top"]

    def _det_infer(self, x: np.ndarray) -> np.ndarray:
        return self.ocr.text_det.session(x)

    def read_line(self, image: np.ndarray) -> tuple[str, float, list[float]]:
        text, score, _ = self._recognise([image])[0]
        return text, score, [score] * len(text)  # rapidocr 3 gives no glyph's own probability here

    def _det_filter(self, boxes, shape):
        return boxes  # rapidocr 3's postprocess filters tiny boxes itself

    def _sort(self, boxes):
        return self.ocr.text_det.sorted_boxes(boxes)

    def _crops(self, img: np.ndarray, boxes: np.ndarray) -> list[np.ndarray]:
        return self.ocr.crop_text_regions(img, boxes)

    def _classify(self, crops: list[np.ndarray]) -> tuple[list[np.ndarray], list]:
        res = self.ocr.text_cls(crops)
        return res.img_list, res.cls_res

    def _recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float, list[float]]]:
        from rapidocr.ch_ppocr_rec.typings import TextRecInput

        res = self.ocr.text_rec(TextRecInput(img=crops, return_word_box=False))
        return [(t, float(s), []) for t, s in zip(res.txts or (), res.scores or ())]
