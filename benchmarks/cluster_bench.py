"""Scale-out figures (issue: past one machine), one run, ratios from that run:

- scanned pages/s with 1, 2 and 4 worker processes on this machine, and 2-worker/1-worker
  (goal ≥ 1.8; on 2 cores, 4 workers can only show the cost of oversubscription);
- the cold start of a single-file command (`dossier extract`, a text-layer PDF), whole process,
  with and without a Prefect server named in PREFECT_API_URL: single-file commands never
  import Prefect, so the two should match.

    .venv/bin/python -m benchmarks.cluster_bench
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import ingest_bench

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "cluster.json"
SAMPLE = REPO / "fixtures" / "samples" / "contract_1_text_pdf.pdf"


def cold_start(extra_env: dict[str, str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "DOSSIER_HOME": home, **extra_env}
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "flows.cli", "extract", str(SAMPLE), "--json"], cwd=REPO, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    return round(statistics.median(times), 2)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        scans, _ = ingest_bench.make_documents(root)
        by_workers = {}
        for n in (1, 2, 4):
            by_workers[n] = ingest_bench.run(scans, n, root / f"cache{n}", root / f"home{n}")
    no_server = cold_start({"PREFECT_API_URL": ""})
    # A server named but not even running: a single-file command must not notice.
    named = cold_start({"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    result = {
        "pages_per_s": {n: r["pages_per_s"] for n, r in by_workers.items()},
        "ratio_2_over_1": round(by_workers[2]["pages_per_s"] / by_workers[1]["pages_per_s"], 2),
        "ratio_4_over_1": round(by_workers[4]["pages_per_s"] / by_workers[1]["pages_per_s"], 2),
        "cold_start_extract_s": {"no_server": no_server, "server_named_unreachable": named},
        "load_avg": os.getloadavg(),
        "cores": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print("| figure | value |\n|---|---|")
    for n, r in by_workers.items():
        print(f"| scanned pages/s, {n} worker process(es) | {r['pages_per_s']} |")
    print(f"| 2 workers / 1 worker (goal ≥ 1.8) | {result['ratio_2_over_1']} |")
    print(f"| 4 workers / 1 worker on {os.cpu_count()} cores | {result['ratio_4_over_1']} |")
    print(f"| `dossier extract` cold start, no Prefect server / server named but away | {no_server} s / {named} s |")
    print(f"| load average during the run | {' '.join(f'{x:.1f}' for x in os.getloadavg())} |")


if __name__ == "__main__":
    main()
