"""Run a `dossier` command released at one instant with others: the imports are done first,
then READY is written and the command waits for GO to appear, so the set-up of several
commands (store tables, Prefect's database, the secret key) starts within a millisecond.

    python -m tests.ingest.hostile.at_once READY GO intake …
"""
from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> None:
    ready, go, args = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    from core import home

    home.isolate_prefect()  # before Prefect is imported, as flows.cli.main does
    import flows.cli
    import flows.pipeline  # noqa: F401  what each command would import on its way
    import review_ui.serve  # noqa: F401

    ready.touch()
    while not go.exists():
        time.sleep(0.001)
    sys.argv = ["dossier", *args]
    flows.cli.main()


if __name__ == "__main__":
    main()
