"""The command's own start of Prefect's temporary API server (flows.server)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from flows.cli import _start_up
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL
_start_up()
with get_client(sync_client=True) as client:
    healthy = client.api_healthcheck() is None
print(json.dumps({"url": PREFECT_API_URL.value(), "healthy": healthy,
                  "server_modules_here": "prefect.server.api.server" in sys.modules}))
"""


def test_start_up_serves_prefect_from_a_child_without_loading_prefects_server_in_the_command(tmp_path):
    # The server's modules cost the command ~64 MB over a whole intake (issue 11's 1 GB budget);
    # they belong only in the uvicorn child.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DOSSIER_"))}
    env.update(DOSSIER_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO))
    run = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["url"].startswith("http://127.0.0.1:") and seen["healthy"]
    assert not seen["server_modules_here"]
