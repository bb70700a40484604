"""Page OCR results kept on disk so an unchanged file is never OCR'd twice.

Key: (file SHA-256, page number, engine name, engine version, settings hash). Anything that
could change the text changes the key, so a stale hit is impossible by construction.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from core.models import Page
from ingest.ocr.base import OcrEngine, settings_hash

# Bump when the pipeline around the engine (orientation, deskew, line building) changes.
PIPELINE_VERSION = "1"


class OcrCache:
    def __init__(self, root: Path | None = None):
        if root is None:
            from core.home import cache_dir

            root = cache_dir() / "ocr"
        self.root = Path(root)

    def _path(self, sha256: str, page: int, engine: OcrEngine) -> Path:
        key = json.dumps([engine.name, engine.version, settings_hash(engine), PIPELINE_VERSION])
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.root / sha256[:2] / sha256 / f"{page}-{engine.name}-{digest}.json"

    def get(self, sha256: str, page: int, engine: OcrEngine) -> Page | None:
        path = self._path(sha256, page, engine)
        try:
            cached = Page.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing or damaged: read again
        return cached.model_copy(update={"cached": True, "seconds": 0.0})

    def put(self, sha256: str, page: int, engine: OcrEngine, value: Page) -> None:
        path = self._path(sha256, page, engine)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(value.model_dump_json())
        os.replace(tmp, path)


class NoCache(OcrCache):
    """Reads every page afresh and keeps nothing (read_document's cache=None means the default
    cache under DOSSIER_HOME, not this)."""

    def __init__(self):
        super().__init__(root=Path("/nonexistent-no-cache"))

    def get(self, sha256: str, page: int, engine: OcrEngine) -> Page | None:
        return None

    def put(self, sha256: str, page: int, engine: OcrEngine, value: Page) -> None:
        return None
