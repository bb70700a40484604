"""Single-file probes (`dossier ocr`, `dossier extract`): read one file without a store or a flow,
through the same reader and OCR cache the pipeline uses."""
from __future__ import annotations

from pathlib import Path

from core.models import Document
from ingest.archive import sha256_of
from ingest.cache import OcrCache
from ingest.ocr import get_engine
from ingest.read import read_document


def read_single(path: Path, engine: str | None = None) -> Document:
    sha, _ = sha256_of(path)
    return read_document(path, sha, path.name, engine=get_engine(engine), cache=OcrCache())
