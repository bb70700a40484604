"""Finding a rendered page image on disk without ever leaving DOSSIER_HOME.

The path comes from the stored Page.image, never from the URL; the URL only names a
document hash (64 hex digits) and a page number. The resolved path must still lie inside
DOSSIER_HOME, so a tampered record ("../../etc/passwd") or a symlink out is refused.
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from core import home
from core.models import Document
from core.store import DocumentRow, Store

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


def page_image_file(store: Store, sha256: str, number: int) -> Path | None:
    if not _SHA256.match(sha256) or number < 1:
        return None
    with store.session() as s:
        row = s.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256).order_by(DocumentRow.id.desc()).limit(1))
    if row is None:
        return None
    page = next((p for p in Document.model_validate_json(row.document_json).pages if p.number == number), None)
    if page is None or not page.image:
        return None
    root = home.home()
    path = (root / page.image).resolve()
    if not path.is_relative_to(root) or path.suffix.lower() not in IMAGE_TYPES or not path.is_file():
        return None
    return path
