"""`dossier ocr` as a whole process against the raw OCR engine as a whole process, on real
invoice photos (shared/realdocs: a 专票 scan, an 电子发票 screenshot, an invoice screenshot with
two seals), for every engine installed here.

    .venv/bin/python -m benchmarks.ocr_bench [--rounds 3] [--engines rapidocr,rapidocr3]

Each run is a fresh process (interpreter start, imports, model load, reading one file) with a
fresh DOSSIER_HOME, so no OCR cache helps. Raw and `dossier ocr` runs alternate, file by
file, and which goes first alternates too, so load from other processes on this shared
machine falls on both alike; the figure is the median over rounds. CPU seconds (user + sys
of the process) is the figure to trust on a loaded machine; wall time is shown beside it.
Both sides run onnxruntime with one thread (DOSSIER_OCR_THREADS=1).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REALDOCS = REPO.parent / "shared" / "realdocs"
PHOTOS = [
    "guanshuicheng_invoice__增值税专用发票.jpg",
    "guanshuicheng_invoice__电子发票.png",
    "imethanlee_OCR__深圳增值税电子普通发票_截图_2020-07-06.png",
]
RESULTS = REPO / "benchmarks" / "results" / "ocr.json"
THREADS = "1"


# Each engine as its own users run it: load the model, read the file, nothing else.
RAW = {
    "rapidocr": (
        "rapidocr_onnxruntime",
        "import sys\nfrom rapidocr_onnxruntime import RapidOCR\nt = int(sys.argv[1])\n"
        "RapidOCR(intra_op_num_threads=t, inter_op_num_threads=1)(sys.argv[2])",
    ),
    "rapidocr3": (
        "rapidocr",
        "import sys\nfrom rapidocr import RapidOCR\nt = int(sys.argv[1])\n"
        "RapidOCR(params={'EngineConfig.onnxruntime.intra_op_num_threads': t, "
        "'EngineConfig.onnxruntime.inter_op_num_threads': 1, 'Global.log_level': 'warning'})(sys.argv[2])",
    ),
}
# paddleocr runs in its own venv, on the model folders `dossier engines install` built.
PADDLE_RAW = (
    "import sys, importlib.util\nfrom pathlib import Path\n"
    "spec = importlib.util.spec_from_file_location('paddle_worker', sys.argv[2])\n"
    "worker = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(worker)\n"
    "worker._pipeline(Path(sys.argv[3]), int(sys.argv[1])).predict(sys.argv[4])"
)


def _raw_command(engine: str) -> list[str] | None:
    """None when the engine is not installed here."""
    from importlib.util import find_spec

    if engine == "paddleocr":
        from ingest.ocr import paddle

        python = paddle.venv_python()
        if not python.exists():
            return None
        os.environ["DOSSIER_PADDLEOCR_HOME"] = str(paddle.engine_dir())  # the runs' fresh homes have none
        os.environ.update(paddle.ENV)
        return [str(python), "-c", PADDLE_RAW, THREADS, str(paddle.WORKER), str(paddle.models_dir())]
    if engine not in RAW or find_spec(RAW[engine][0]) is None:
        return None
    return [sys.executable, "-c", RAW[engine][1], THREADS]


def _run(cmd: list[str], home: str) -> dict:
    env = {**os.environ, "DOSSIER_HOME": home, "DOSSIER_OCR_THREADS": THREADS, "OMP_NUM_THREADS": THREADS}
    env.pop("PREFECT_HOME", None)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-800:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def bench(engines: list[str], rounds: int) -> dict:
    files = [REALDOCS / name for name in PHOTOS]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise SystemExit(f"real invoice photos not found beside the repo: {', '.join(missing)} (in {REALDOCS})")
    figures: dict = {"machine": {"cpus": os.cpu_count(), "load_avg_1m_before": round(os.getloadavg()[0], 2),
                                 "onnxruntime_threads": int(THREADS)}, "rounds": rounds, "engines": {}}
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        for engine in engines:
            raw_cmd = _raw_command(engine)
            if raw_cmd is None:
                figures["engines"][engine] = {"skipped": "not installed here"}
                continue
            runs: dict[str, dict[str, list[dict]]] = {f.name: {"raw": [], "dossier": []} for f in files}
            for r in range(rounds):
                for i, f in enumerate(files):
                    sides = [("raw", raw_cmd + [str(f)]),
                             ("dossier", [sys.executable, "-m", "flows.cli", "ocr", str(f), "--json", "--engine", engine])]
                    if (r + i) % 2:
                        sides.reverse()
                    for side, cmd in sides:
                        runs[f.name][side].append(_run(cmd, tempfile.mkdtemp(dir=tmp)))
            per_file = {}
            for name, sides in runs.items():
                med = {side: {k: statistics.median(x[k] for x in xs) for k in ("wall_s", "cpu_s", "rss_mb")} for side, xs in sides.items()}
                per_file[name] = {
                    "raw": {k: round(v, 2) for k, v in med["raw"].items()},
                    "dossier": {k: round(v, 2) for k, v in med["dossier"].items()},
                    "cpu_ratio": round(med["dossier"]["cpu_s"] / med["raw"]["cpu_s"], 3),
                    "wall_ratio": round(med["dossier"]["wall_s"] / med["raw"]["wall_s"], 3),
                }
            total = {side: sum(p[side]["cpu_s"] for p in per_file.values()) for side in ("raw", "dossier")}
            wall = {side: sum(p[side]["wall_s"] for p in per_file.values()) for side in ("raw", "dossier")}
            figures["engines"][engine] = {
                "files": per_file,
                "cpu_ratio": round(total["dossier"] / total["raw"], 3),
                "wall_ratio": round(wall["dossier"] / wall["raw"], 3),
                "raw_cpu_s": round(total["raw"], 2), "dossier_cpu_s": round(total["dossier"], 2),
                "peak_rss_mb": max(p["dossier"]["rss_mb"] for p in per_file.values()),
            }
    figures["machine"]["load_avg_1m_after"] = round(os.getloadavg()[0], 2)
    return figures


def main(argv: list[str] | None = None) -> None:
    from ingest.ocr import available_engines

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default=None, help="comma-separated; default: every OCR engine installed here but tesseract")
    args = parser.parse_args(argv)
    engines = args.engines.split(",") if args.engines else [e for e in available_engines() if e != "tesseract"]
    figures = bench(engines, args.rounds)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print("| engine | `dossier ocr` / raw engine, CPU (goal ≤ 1.10) | wall | raw CPU s | dossier CPU s | peak RSS MB |\n|---|---|---|---|---|---|")
    for engine, f in figures["engines"].items():
        if "skipped" in f:
            print(f"| {engine} | {f['skipped']} | | | | |")
            continue
        print(f"| {engine} | {f['cpu_ratio']} | {f['wall_ratio']} | {f['raw_cpu_s']} | {f['dossier_cpu_s']} | {f['peak_rss_mb']} |")
    m = figures["machine"]
    print(f"\n{len(PHOTOS)} real invoice photos, median of {args.rounds} interleaved rounds; load average "
          f"{m['load_avg_1m_before']} → {m['load_avg_1m_after']} on {m['cpus']} CPUs; written to {RESULTS}")


if __name__ == "__main__":
    main()
