"""Run the reviewers' app: `dossier serve` calls serve()."""
from __future__ import annotations

import uvicorn

from review_ui.app import create_app


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    # One office machine: a single process, bound to localhost unless told otherwise.
    uvicorn.run(create_app(), host=host, port=port, log_level="info")
