"""Page OCR results kept on disk so an unchanged file is never OCR'd twice.

Key: (file SHA-256, page number, engine name, engine version, settings hash). Anything that
could change the text changes the key, so a stale hit is impossible by construction; each
entry carries the hash of its content, checked on read, so a tampered one is a miss.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from core.atomic import write_atomic
from core.models import Page
from ingest.ocr.base import OcrEngine, settings_hash

log = logging.getLogger(__name__)

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
            raw = path.read_bytes()
        except OSError:
            return None  # not cached
        digest, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            log.warning("OCR cache entry %s does not match its hash (altered or damaged): read again", path)
            return None
        try:
            cached = Page.model_validate_json(body)
        except ValueError:
            log.warning("OCR cache entry %s is not a page: read again", path)
            return None
        return cached.model_copy(update={"cached": True, "seconds": 0.0})

    def put(self, sha256: str, page: int, engine: OcrEngine, value: Page) -> None:
        # The entry's first line is the SHA-256 of the rest: an entry altered by hand or
        # cut short is a miss, never served as if the engine had read it.
        body = value.model_dump_json().encode("utf-8")
        write_atomic(self._path(sha256, page, engine), hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


class NoCache(OcrCache):
    """Reads every page afresh and keeps nothing (read_document's cache=None means the default
    cache under DOSSIER_HOME, not this)."""

    def __init__(self):
        super().__init__(root=Path("/nonexistent-no-cache"))

    def get(self, sha256: str, page: int, engine: OcrEngine) -> Page | None:
        return None

    def put(self, sha256: str, page: int, engine: OcrEngine, value: Page) -> None:
        return None
