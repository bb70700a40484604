"""PaddleOCR, when the `paddleocr` package and its models are installed (they are not by default)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from core.models import Box, Line
from ingest.ocr.base import EngineUnavailable


@lru_cache(maxsize=1)
def _paddle():
    try:
        import paddleocr  # noqa: F401
        from paddleocr import PaddleOCR
    except Exception as exc:  # ImportError, or paddle's own import-time failures
        raise EngineUnavailable(
            f"paddleocr is not usable here ({type(exc).__name__}: {exc}); "
            "install `paddleocr` and `paddlepaddle`, or use the default engine 'rapidocr'"
        ) from exc
    try:
        return PaddleOCR(use_angle_cls=True, lang="ch", show_log=False), paddleocr.__version__
    except Exception as exc:  # models missing and no network to fetch them
        raise EngineUnavailable(f"paddleocr models unavailable: {exc}") from exc


class PaddleOcrEngine:
    name = "paddleocr"

    def __init__(self):
        self._ocr, version = _paddle()
        self.version = f"paddleocr {version}"
        self.settings: dict[str, Any] = {"lang": "ch", "use_angle_cls": True}

    def read(self, image: np.ndarray) -> list[Line]:
        result = self._ocr.ocr(image, cls=True) or []
        lines = []
        for page in result:
            for quad, (text, score) in page or []:
                lines.append(Line(text=text, box=Box.from_quad(quad), confidence=float(score)))
        return lines
