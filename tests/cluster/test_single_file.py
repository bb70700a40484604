"""Single-file commands start without Prefect: no server, no temporary API, no import."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_extract_never_imports_prefect(tmp_path):
    code = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from flows.cli import app\n"
        f"r = CliRunner().invoke(app, ['extract', {str(REPO / 'fixtures/samples/contract_1_text_pdf.pdf')!r}, '--json'])\n"
        "print(json.dumps({'exit': r.exit_code, 'prefect': 'prefect' in sys.modules, 'doc_type': json.loads(r.stdout)['doc_type']}))\n"
    )
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path), "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"exit": 0, "prefect": False, "doc_type": "contract"}
