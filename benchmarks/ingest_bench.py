"""Ingest throughput: text-layer and scanned pages per second on 1 and 2 worker processes,
pipeline OCR time against the raw engine on the same pages, peak RSS per worker, and a
re-run of an unchanged dossier (cache hit).

    .venv/bin/python -m benchmarks.ingest_bench

Every worker process runs onnxruntime with one thread (DOSSIER_OCR_THREADS=1) and loads the
model once; the raw-engine baseline runs with the same single thread. Documents are made
fresh in a temp folder by tests/ingest/makers.py, so nothing here depends on shared/.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ["DOSSIER_OCR_THREADS"] = "1"

SCANNED_PAGES = 20
OVERHEAD_PAGES = 10
TEXT_FILES, TEXT_PAGES_PER_FILE = 10, 20
RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"

SCAN_LINES = [
    "增值税专用发票 发票号码 24442000000987654321 开票日期 2024年03月15日",
    "购买方名称：广州市黄埔区测试科技有限公司 统一社会信用代码 91440116MA9YYYYY2B",
    "销售方名称：广州某设备有限公司 统一社会信用代码 91440101MA5CXXXX1A",
    "项目名称 *机械设备*数控机床 规格型号 XK-100 单位 台 数量 2",
    "单价 50000.00 金额 100000.00 税率 13% 税额 13000.00",
    "合计 ¥100000.00 ¥13000.00 价税合计（大写）壹拾壹万叁仟圆整 （小写）¥113000.00",
    "备注：项目编号 HP-2024-017 技术改造设备购置",
    "开票人：张三 复核：李四 收款人：王五",
]


# ----------------------------------------------------------------------------- workers


def _init_worker(home: str) -> None:
    os.environ["DOSSIER_HOME"] = home
    from ingest.ocr import get_engine
    from ingest.ocr.rapid import rapid_instance

    rapid_instance()  # the model, once per process
    get_engine()


def _warm(_: int) -> int:
    time.sleep(0.5)  # keeps every worker busy so each one starts (and loads the model) before timing
    return os.getpid()


def _read(job: tuple[str, str, str, str]) -> dict:
    path, sha, cache_dir, render_dir = job
    from ingest.cache import OcrCache
    from ingest.read import read_document

    before = resource.getrusage(resource.RUSAGE_SELF)
    doc = read_document(Path(path), sha, Path(path).name, cache=OcrCache(Path(cache_dir)), render_dir=Path(render_dir))
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert doc.status.value == "ok", doc.error
    return {
        "pages": len(doc.pages),
        "ocr_seconds": sum(p.seconds for p in doc.pages if p.source.kind == "ocr"),
        "cached": sum(p.cached for p in doc.pages),
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pid": os.getpid(),
    }


def run(files: list[Path], workers: int, cache_dir: Path, home: Path) -> dict:
    import hashlib

    jobs = [(str(f), hashlib.sha256(f.read_bytes()).hexdigest(), str(cache_dir), str(home / "pages" / f.stem)) for f in files]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(str(home),)) as pool:
        list(pool.map(_warm, range(workers)))
        load = os.getloadavg()[0]
        start = time.perf_counter()
        results = list(pool.map(_read, jobs))
        wall = time.perf_counter() - start
    pages = sum(r["pages"] for r in results)
    rss: dict[int, float] = {}
    for r in results:
        rss[r["pid"]] = max(rss.get(r["pid"], 0.0), r["rss_mb"])
    return {
        "workers": workers, "pages": pages, "wall_s": round(wall, 2), "pages_per_s": round(pages / wall, 2),
        "ocr_s": round(sum(r["ocr_seconds"] for r in results), 2), "cached_pages": sum(r["cached"] for r in results),
        "peak_rss_mb_per_worker": round(max(rss.values()), 1),
        # CPU seconds per page: equal for 1 and 2 workers means the workers do not get in
        # each other's way, and the wall-clock speed-up is bounded only by free cores.
        "cpu_s_per_page": round(sum(r["cpu_s"] for r in results) / max(pages, 1), 3),
        "load_avg_before": round(load, 2),
    }


# ----------------------------------------------------------------------------- documents


def make_documents(root: Path) -> tuple[list[Path], list[Path]]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.ingest.makers import png_bytes, text_image, text_pdf

    scans = []
    for i in range(SCANNED_PAGES):
        lines = [f"第{i + 1}页"] + SCAN_LINES
        image = text_image(lines, size=(1240, 900), font_size=26)
        path = root / f"scan-{i:02d}.png"
        path.write_bytes(png_bytes(image))
        scans.append(path)
    texts = []
    for f in range(TEXT_FILES):
        pages = [[(40, 60 + 24 * k, line) for k, line in enumerate([f"文件{f} 第{p + 1}页"] + SCAN_LINES)] for p in range(TEXT_PAGES_PER_FILE)]
        texts.append(text_pdf(root / f"text-{f:02d}.pdf", pages))
    return scans, texts


def pipeline_over_raw(scans: list[Path], root: Path) -> dict:
    """Raw engine.read against the pipeline (read_document: decode, orientation, OCR, QR, page
    image, cache write) on the same pages, alternated page by page in one process so that
    load from other processes on the machine falls on both sides alike."""
    import hashlib

    import cv2

    from ingest.cache import OcrCache
    from ingest.ocr import get_engine
    from ingest.read import read_document

    engine = get_engine()
    engine.read(cv2.imread(str(scans[0])))  # warm-up, as the workers are
    raw = ocr = wall = 0.0
    for i, path in enumerate(scans):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()

        def time_raw() -> float:
            image = cv2.imread(str(path))
            start = time.perf_counter()
            engine.read(image)
            return time.perf_counter() - start

        def time_pipeline() -> tuple[float, float]:
            start = time.perf_counter()
            doc = read_document(path, sha, path.name, engine=engine, cache=OcrCache(root / f"cache-overhead-{i}"), render_dir=root / "overhead" / path.stem)
            return doc.pages[0].seconds, time.perf_counter() - start

        if i % 2:
            (o, w), r = time_pipeline(), time_raw()
        else:
            r, (o, w) = time_raw(), time_pipeline()
        raw, ocr, wall = raw + r, ocr + o, wall + w
    return {"pages": len(scans), "raw_s": round(raw, 2), "pipeline_ocr_s": round(ocr, 2), "pipeline_wall_s": round(wall, 2)}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        root = Path(tmp)
        home = root / "home"
        scans, texts = make_documents(root)
        text1 = run(texts, 1, root / "cache-t1", home)
        text2 = run(texts, 2, root / "cache-t2", home)
        scan1 = run(scans, 1, root / "cache-s1", home)
        scan2 = run(scans, 2, root / "cache-s2", home)
        rerun = run(scans, 1, root / "cache-s1", home)
        os.environ["DOSSIER_HOME"] = str(home)
        overhead = pipeline_over_raw(scans[:OVERHEAD_PAGES], root)
    figures = {
        "machine": {"cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2), "ocr_threads_per_worker": 1},
        "text_layer": {"1_worker": text1, "2_workers": text2},
        "scanned": {"1_worker": scan1, "2_workers": scan2, "rerun_unchanged": rerun},
        "overhead": overhead,
        "pipeline_over_raw_ocr": round(overhead["pipeline_ocr_s"] / overhead["raw_s"], 3),
        "pipeline_wall_over_raw": round(overhead["pipeline_wall_s"] / overhead["raw_s"], 3),
        "speedup_2_vs_1_scanned": round(scan1["wall_s"] / scan2["wall_s"], 2),
        "speedup_2_vs_1_text": round(text1["wall_s"] / text2["wall_s"], 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    rows = [
        ("text-layer PDF pages/s, 1 worker", text1["pages_per_s"], ""),
        ("text-layer PDF pages/s, 2 workers", text2["pages_per_s"], f"{text1['pages']} pages in {TEXT_FILES} files"),
        ("scanned pages/s, 1 worker", scan1["pages_per_s"], f"{SCANNED_PAGES} pages 1240×900"),
        ("scanned pages/s, 2 workers", scan2["pages_per_s"], ""),
        ("2 vs 1 worker speed-up, scanned (target ≥ 1.6)", figures["speedup_2_vs_1_scanned"], f"load avg before: {scan1['load_avg_before']} / {scan2['load_avg_before']}"),
        ("CPU s per scanned page, 1 / 2 workers", f"{scan1['cpu_s_per_page']} / {scan2['cpu_s_per_page']}", "1 onnxruntime thread per worker"),
        ("pipeline OCR time / raw engine time (target ≤ 1.10)", figures["pipeline_over_raw_ocr"], f"{OVERHEAD_PAGES} pages alternated: raw {overhead['raw_s']} s, pipeline {overhead['pipeline_ocr_s']} s"),
        ("read_document wall time / raw engine time", figures["pipeline_wall_over_raw"], "incl. file read, decode, sniff, page image save"),
        ("peak RSS per worker, MB", max(scan1["peak_rss_mb_per_worker"], scan2["peak_rss_mb_per_worker"]), ""),
        ("re-run unchanged: OCR s / wall s", f"{rerun['ocr_s']} / {rerun['wall_s']}", f"{rerun['cached_pages']} of {rerun['pages']} pages from cache"),
    ]
    print("| figure | value | note |\n|---|---|---|")
    for name, value, note in rows:
        print(f"| {name} | {value} | {note} |")
    print(f"\nload average during run: {figures['machine']['load_avg_1m']} on {figures['machine']['cpus']} CPUs; written to {RESULTS}")


if __name__ == "__main__":
    main()
