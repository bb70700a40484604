"""What every OCR engine offers: a name, a version, its settings, and lines read off an image."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol, runtime_checkable

import numpy as np

from core import settings
from core.models import Line

THREADS_ENV = "DOSSIER_OCR_THREADS"


class EngineUnavailable(RuntimeError):
    """The engine's program or models are not installed here."""


@runtime_checkable
class OcrEngine(Protocol):
    name: str
    version: str
    settings: dict[str, Any]

    def read(self, image: np.ndarray) -> list[Line]:
        """Lines of text on a BGR image, boxes in the image's pixels."""
        ...


def threads() -> int:
    """onnxruntime threads an engine's models take in this process: DOSSIER_OCR_THREADS, 0
    (the default) for every core; each worker of a pool sets 1 (flows.pipeline)."""
    # onnxruntime takes a C int, and more threads than any machine's cores only cost memory
    return settings.number(THREADS_ENV, 0, "the onnxruntime threads of one OCR process (0: every core)", ge=0, le=1024)


def settings_hash(engine: OcrEngine) -> str:
    blob = json.dumps(engine.settings, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
