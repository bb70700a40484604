"""OCR engines behind one protocol (ingest.ocr.base.OcrEngine); pick one by name."""
from __future__ import annotations

import os

from ingest.ocr.base import EngineUnavailable, OcrEngine, settings_hash
from ingest.ocr.heap import return_large_buffers

__all__ = ["DEFAULT", "EngineUnavailable", "OcrEngine", "available_engines", "engine_name", "engine_names", "get_engine", "settings_hash"]


def _factories():
    from ingest.ocr.paddle import PaddleOcrEngine
    from ingest.ocr.rapid import Rapid3OcrEngine, RapidOcrEngine
    from ingest.ocr.tesseract import TesseractEngine

    return {"rapidocr": RapidOcrEngine, "rapidocr3": Rapid3OcrEngine, "tesseract": TesseractEngine,
            "paddleocr": PaddleOcrEngine}


DEFAULT = "rapidocr"


def engine_name(name: str | None = None) -> str:
    """`name`, else $DOSSIER_OCR_ENGINE, else the default (PP-OCRv4 through rapidocr)."""
    return name or os.environ.get("DOSSIER_OCR_ENGINE") or DEFAULT


def get_engine(name: str | None = None) -> OcrEngine:
    name = engine_name(name)
    return_large_buffers()  # before the models' first page (ingest.ocr.heap)
    factories = _factories()
    if name not in factories:
        raise EngineUnavailable(f"unknown OCR engine {name!r}; known: {', '.join(factories)}")
    return factories[name]()


def engine_names() -> list[str]:
    return list(_factories())


def available_engines() -> list[str]:
    """Engines that can actually run here (their program and models are installed)."""
    ok = []
    for name in _factories():
        try:
            get_engine(name)
        except EngineUnavailable:
            continue
        ok.append(name)
    return ok
