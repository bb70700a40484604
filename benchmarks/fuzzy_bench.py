"""Extraction of real invoice pages with extract.layout's label finder as it is against its old
window filter (a set of each window's characters built at every start: ~80% of an invoice
page's extraction), in one run, on the same pages (shared/realdocs' invoices).

    .venv/bin/python -m benchmarks.fuzzy_bench [--rounds 5]

The pages are read once first (from $DOSSIER_HOME's OCR cache, else OCR'd there; not timed).
Each round extracts every page with both filters, alternating which goes first page by page,
so load from other processes falls on both alike; the figure is CPU seconds (the process's
user + sys, what to trust on a shared machine), summed over pages, median over rounds, with
wall time beside it. Every extraction's claims must be the same with either filter, to the
value, confidence, evidence and flag, or the run fails.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REALDOCS = REPO.parent / "shared" / "realdocs"
RESULTS = REPO / "benchmarks" / "results" / "fuzzy.json"


def _invoices() -> list[Path]:
    """Every invoice of realdocs, by its ground truth."""
    from flows.evaluate import truth_for

    return [p for p in sorted(REALDOCS.iterdir()) if p.is_file() and (truth_for(p) or {}).get("doc_type") == "invoice"]


def _extract(doc, fuzzy) -> tuple[dict, float, float]:
    from extract import extract_document, layout

    layout._fuzzy = fuzzy  # fuzzy_find calls the module's _fuzzy at each call
    cpu, wall = time.process_time(), time.perf_counter()
    claims = extract_document(doc)
    return claims.model_dump(mode="json"), time.process_time() - cpu, time.perf_counter() - wall


def bench(rounds: int) -> dict:
    from extract import layout
    from ingest.archive import sha256_of
    from ingest.read import read_document
    from tests.extract.fuzzy_reference import reference_fuzzy

    files = _invoices()
    if not files:
        raise SystemExit(f"no invoices with ground truth in {REALDOCS}")
    docs = [read_document(f, sha256_of(f)[0], f.name) for f in files]
    pages = sum(len(d.pages) for d in docs)
    sides = {"old": reference_fuzzy, "new": layout._fuzzy}
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    try:
        for r in range(rounds):
            totals = {side: {"cpu_s": 0.0, "wall_s": 0.0} for side in sides}
            for i, doc in enumerate(docs):
                order = ["old", "new"] if (r + i) % 2 == 0 else ["new", "old"]
                out = {}
                for side in order:
                    out[side], cpu, wall = _extract(doc, sides[side])
                    totals[side]["cpu_s"] += cpu
                    totals[side]["wall_s"] += wall
                if out["old"] != out["new"]:
                    raise SystemExit(f"{doc.original_name}: the two filters extract different claims")
            for side in sides:
                runs[side].append(totals[side])
    finally:
        layout._fuzzy = sides["new"]
    med = {side: {k: statistics.median(x[k] for x in xs) for k in ("cpu_s", "wall_s")} for side, xs in runs.items()}
    return {
        "machine": {"cpus": os.cpu_count(), "load_avg_1m_before": round(load_before, 2),
                    "load_avg_1m_after": round(os.getloadavg()[0], 2)},
        "rounds": rounds, "documents": len(docs), "pages": pages, "files": [f.name for f in files],
        "old": {k: round(v, 3) for k, v in med["old"].items()},
        "new": {k: round(v, 3) for k, v in med["new"].items()},
        "cpu_ratio_old_over_new": round(med["old"]["cpu_s"] / med["new"]["cpu_s"], 2),
        "wall_ratio_old_over_new": round(med["old"]["wall_s"] / med["new"]["wall_s"], 2),
        "claims_identical": True,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    figures = bench(args.rounds)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{figures['documents']} real invoices ({figures['pages']} pages), {figures['rounds']} rounds, "
          f"load {figures['machine']['load_avg_1m_before']} → {figures['machine']['load_avg_1m_after']} on {figures['machine']['cpus']} cores")
    print(f"extraction CPU s, old filter / new: {figures['old']['cpu_s']} / {figures['new']['cpu_s']} = "
          f"{figures['cpu_ratio_old_over_new']}× (wall {figures['wall_ratio_old_over_new']}×); claims identical")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
