"""OCR engines behind one protocol (ingest.ocr.base.OcrEngine); pick one by name."""
from __future__ import annotations

from ingest.ocr.base import EngineUnavailable, OcrEngine, settings_hash

__all__ = ["EngineUnavailable", "OcrEngine", "available_engines", "get_engine", "settings_hash"]


def _factories():
    from ingest.ocr.paddle import PaddleOcrEngine
    from ingest.ocr.rapid import RapidOcrEngine
    from ingest.ocr.tesseract import TesseractEngine

    return {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine, "paddleocr": PaddleOcrEngine}


def get_engine(name: str = "rapidocr") -> OcrEngine:
    factories = _factories()
    if name not in factories:
        raise EngineUnavailable(f"unknown OCR engine {name!r}; known: {', '.join(factories)}")
    return factories[name]()


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
