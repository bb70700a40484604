"""A dossier's read documents (pages, lines, boxes, tags), parsed once per stored version.

Every page load draws the boxes on the pages and every correction runs the QR check against
them, so each request parsed every document of the dossier again — on a 20-document dossier
most of a correction's own time. A stored document changes only when an intake reads it
again (a new `read_at`), so the parsed one is kept under (row, read_at, length) and the
store is still asked on every request which documents there are and in which version.
The objects handed out are shared between requests: readers here never change them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import func, select

from core.models import Document
from core.store import DocumentRow, Store

_LIMIT = 512  # documents kept; a few dossiers' worth, far below a worker's memory
_parsed: OrderedDict[tuple, Document] = OrderedDict()
_lock = threading.Lock()


def dossier_documents(store: Store, dossier_id: str) -> list[Document]:
    """store.documents(dossier_id), with each unchanged document parsed only once."""
    with store.session() as s:
        rows = s.execute(
            select(DocumentRow.id, DocumentRow.read_at, func.length(DocumentRow.document_json))
            .where(DocumentRow.dossier_id == dossier_id).order_by(DocumentRow.id)
        ).all()
        keys = [(store.url, *row) for row in rows]
        with _lock:
            have = {k: _parsed[k] for k in keys if k in _parsed}
        missing = [k[1] for k in keys if k not in have]
        if missing:
            parsed = {row_id: Document.model_validate_json(raw) for row_id, raw in
                      s.execute(select(DocumentRow.id, DocumentRow.document_json).where(DocumentRow.id.in_(missing)))}
            have.update((k, parsed[k[1]]) for k in keys if k[1] in parsed)
    with _lock:
        for key, doc in have.items():
            _parsed[key] = doc
            _parsed.move_to_end(key)
        while len(_parsed) > _LIMIT:
            _parsed.popitem(last=False)
    # A row removed between the two queries is left out, as store.documents would.
    return [have[k] for k in keys if k in have]
