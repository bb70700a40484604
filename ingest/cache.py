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
from pydantic import TypeAdapter

from core.models import Line, Page
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

    @staticmethod
    def _checked(path: Path) -> bytes | None:
        """An entry's body, or None when it is missing or does not match its hash."""
        try:
            raw = path.read_bytes()
        except OSError:
            return None  # not cached
        digest, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            log.warning("OCR cache entry %s does not match its hash (altered or damaged): read again", path)
            return None
        return body

    @staticmethod
    def _write(path: Path, body: bytes) -> None:
        # The entry's first line is the SHA-256 of the rest: an entry altered by hand or
        # cut short is a miss, never served as if the engine had read it.
        write_atomic(path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)

    def get(self, sha256: str, page: int, engine: OcrEngine) -> Page | None:
        path = self._path(sha256, page, engine)
        body = self._checked(path)
        if body is None:
            return None
        try:
            cached = Page.model_validate_json(body)
        except ValueError:
            log.warning("OCR cache entry %s is not a page: read again", path)
            return None
        return cached.model_copy(update={"cached": True, "seconds": 0.0})

    def put(self, sha256: str, page: int, engine: OcrEngine, value: Page) -> None:
        self._write(self._path(sha256, page, engine), value.model_dump_json().encode("utf-8"))

    # ---------------------------------------------------------------- seal rings
    # A seal ring's reading (ingest.seal_ring) is an entry of its own, keyed on the page image's
    # hash, the engine, the ring reader's version and the seal finder's (ingest.seal: its red
    # mask and regions say where the rings are), and the engine's settings that change what its
    # recogniser gives for a line (RING_SETTINGS): the page's own entry and its key stay as they
    # were, so bumping the ring reader never reads a page again.
    def _ring_path(self, image_key: str, engine: OcrEngine) -> Path:
        from ingest import seal, seal_ring

        read = {k: engine.settings[k] for k in RING_SETTINGS if k in engine.settings}
        key = json.dumps([image_key, engine.name, engine.version, seal_ring.VERSION, seal.VERSION, read], sort_keys=True)
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return self.root / "seal_ring" / digest[:2] / f"{digest}.json"

    def get_rings(self, image_key: str, engine: OcrEngine) -> list[Line] | None:
        body = self._checked(self._ring_path(image_key, engine))
        if body is None:
            return None
        try:
            return _LINES.validate_json(body)
        except ValueError:
            log.warning("seal ring cache entry for %s is not a list of lines: read again", image_key[:12])
            return None

    def put_rings(self, image_key: str, engine: OcrEngine, lines: list[Line]) -> None:
        self._write(self._ring_path(image_key, engine), _LINES.dump_json(lines))


_LINES = TypeAdapter(list[Line])
# Engine settings a ring's reading depends on (the detector's and the page passes' do not: a ring
# is read whole by the recogniser): the skipped-glyph mark (ingest.ocr.rapid) lowers its glyphs.
RING_SETTINGS = ("glyph_gap",)


class NoCache(OcrCache):
    """Reads every page afresh and keeps nothing (read_document's cache=None means the default
    cache under DOSSIER_HOME, not this)."""

    def __init__(self):
        super().__init__(root=Path("/nonexistent-no-cache"))

    def get(self, sha256: str, page: int, engine: OcrEngine) -> Page | None:
        return None

    def put(self, sha256: str, page: int, engine: OcrEngine, value: Page) -> None:
        return None

    def get_rings(self, image_key: str, engine: OcrEngine) -> list[Line] | None:
        return None

    def put_rings(self, image_key: str, engine: OcrEngine, lines: list[Line]) -> None:
        return None
