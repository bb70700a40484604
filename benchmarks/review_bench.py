"""The review app under an office's load: a 20-document dossier's page ready, and a
correction's round trip, at p50/p95 with 5 sessions working at once over real HTTP
(uvicorn, the real store, the real rules engine, logged-in sessions with CSRF tokens).

    .venv/bin/python -m benchmarks.review_bench [--rounds 20]

"Page ready" is the dossier page's HTML complete (server render + transfer; the page images
are static files the browser then fetches in parallel). A round trip is a correction posted
as htmx does and its answer (row, assessment, status and attention list) received: it logs,
applies, saves, re-assesses (corrections arriving together are rebuilt and re-assessed once,
review_ui.review.correct). Targets (issue 10): page under 1 s, round trip p95 under 300 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "review.json"
SESSIONS = 5
PASSWORD = "benchmark password 1"


def build_dossier(home: Path, documents: int = 20):
    """18 invoices, a licence and a commitment letter, each a rendered page with its boxes."""
    from core.models import Applicant, ClaimSet, DocType, DocumentClaims, Manifest, ValueType
    from core.store import Store
    from rules.engine import assess
    from tests.review_ui.conftest import APPLICANT, CREDIT_CODE, declared, read, scanned

    store = Store()
    docs, claims = [], []
    for n in range(documents - 2):
        total = 5000 + 100 * n
        doc, lines = scanned(home, f"发票{n:02d}.png", [
            ("广东增值税电子普通发票", 260, 80, 36), (f"发票代码：0440021001{n:02d}", 80, 200, 24),
            (f"发票号码：{12345600 + n}", 520, 200, 24), ("开票日期：2021年03月15日", 80, 250, 24),
            ("销售方：广州云工业软件有限公司", 80, 320, 24), (f"云平台软件订阅服务 {n + 1}", 80, 420, 24),
            (f"价税合计（小写）¥{total}.00", 80, 560, 28)])
        docs.append(doc)
        claims.append(DocumentClaims(document=doc.sha256, file_name=doc.original_name, doc_type=DocType.invoice,
                                     doc_type_confidence=0.97, clauses=["art4.2"], claims=[
            read(doc, lines[1], "invoice_code", ValueType.text, f"0440021001{n:02d}"),
            read(doc, lines[2], "invoice_number", ValueType.text, str(12345600 + n)),
            read(doc, lines[3], "issue_date", ValueType.date, "2021-03-15"),
            read(doc, lines[4], "seller_name", ValueType.text, "广州云工业软件有限公司"),
            read(doc, lines[5], "items", ValueType.items, [{"name": f"云平台软件订阅服务 {n + 1}", "amount": f"{total}.00"}]),
            read(doc, lines[6], "total_amount", ValueType.money, f"{total}.00", 0.72 if n % 2 else 0.95)]))
    licence, lines = scanned(home, "营业执照.png", [("营 业 执 照", 330, 90, 44), (f"统一社会信用代码 {CREDIT_CODE}", 80, 230, 24),
                                                 (f"名称 {APPLICANT}", 80, 300, 24), ("住所 广州市黄埔区科学大道100号", 80, 360, 24)])
    docs.append(licence)
    claims.append(DocumentClaims(document=licence.sha256, file_name=licence.original_name, doc_type=DocType.business_licence, claims=[
        read(licence, lines[1], "credit_code", ValueType.text, CREDIT_CODE), read(licence, lines[2], "company_name", ValueType.text, APPLICANT),
        read(licence, lines[3], "address", ValueType.text, "广州市黄埔区科学大道100号")]))
    letter, lines = scanned(home, "承诺书.png", [("承 诺 书", 360, 90, 40), ("10年内注册地址及办公地址不迁离本区。", 80, 270, 24)])
    docs.append(letter)
    claims.append(DocumentClaims(document=letter.sha256, file_name=letter.original_name, doc_type=DocType.commitment_letter, claims=[
        read(letter, lines[1], "commitment_years", ValueType.integer, 10),
        read(letter, lines[1], "commitments", ValueType.list, ["no_move", "tax", "statistics", "capital"])]))
    dossier_id = "bench-20"
    claimset = ClaimSet(dossier_id=dossier_id, applicant=Applicant(name=APPLICANT, credit_code=CREDIT_CODE), year=2021,
                        clauses=["art4.2"], documents=claims,
                        facts=[declared("sme", True), declared("industrial_enterprise", True), declared("in_district", True)])
    store.upsert_dossier(dossier_id, "20 份文件的案卷", manifest=Manifest(applicant_name=APPLICANT, credit_code=CREDIT_CODE,
                                                                     clauses=["art4.2"], year=2021))
    for doc in docs:
        store.link_file(dossier_id, doc.original_name, doc.sha256, doc.media_type, doc.size)
        store.save_document(dossier_id, doc)
    cid = store.save_claimset(claimset, origin="extract")
    store.save_assessment(assess(claimset, store.ledger(CREDIT_CODE, exclude_dossier=dossier_id)), "draft", cid)
    return store, dossier_id, [d.sha256 for d in docs[:documents - 2]]


def _serve(store) -> tuple[str, object]:
    import uvicorn

    from review_ui.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def _session(base: str, name: str):
    import httpx

    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)[1]
    client.post("/login", data={"name": name, "password": PASSWORD, "login_token": token}, headers={"Origin": base})
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', client.get("/").text)[1]
    client.headers.update({"X-CSRF-Token": csrf, "Origin": base, "HX-Request": "true"})
    return client


def _work(base: str, name: str, dossier_id: str, invoice: str, rounds: int) -> tuple[list[float], list[float]]:
    from review_ui.review import field_version

    client = _session(base, name)
    pages, corrections = [], []
    for n in range(rounds):
        t = time.perf_counter()
        r = client.get(f"/dossiers/{dossier_id}")
        pages.append(time.perf_counter() - t)
        assert r.status_code == 200 and "assessment-total" in r.text
        version = field_version(STORE, dossier_id, invoice, "total_amount")
        t = time.perf_counter()
        r = client.post(f"/dossiers/{dossier_id}/corrections", data={
            "document": invoice, "field": "total_amount", "value": f"{6000 + n}", "index": "5", "version": str(version)})
        corrections.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text[:300]
    return pages, corrections


def _pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[int(q) - 1] if len(xs) > 1 else xs[0]


STORE = None


def main(argv: list[str] | None = None) -> dict:
    global STORE
    args = argparse.ArgumentParser()
    args.add_argument("--rounds", type=int, default=20, help="page loads and corrections per session")
    args.add_argument("--sessions", type=int, default=SESSIONS, help="reviewers working at once")
    opts = args.parse_args(argv)
    sessions = opts.sessions
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        os.environ["DOSSIER_HOME"] = tmp
        os.environ.pop("DATABASE_URL", None)
        from core.accounts import Accounts

        STORE, dossier_id, invoices = build_dossier(Path(tmp))
        accounts = Accounts(STORE)
        names = [f"reviewer{i}" for i in range(sessions)]
        for name in names:
            accounts.add(name, "reviewer", PASSWORD)
        base, server = _serve(STORE)
        rows = sum(len(d.claims) for d in STORE.latest_claimset(dossier_id)[1].documents) + 3
        t = time.perf_counter()
        with ThreadPoolExecutor(sessions) as pool:
            done = list(pool.map(lambda i: _work(base, names[i], dossier_id, invoices[i], opts.rounds), range(sessions)))
        wall = time.perf_counter() - t
        server.should_exit = True
    pages = [x for p, _ in done for x in p]
    fixes = [x for _, c in done for x in c]
    result = {
        "documents": 20, "claim_rows": rows, "sessions": sessions, "rounds_per_session": opts.rounds, "wall_s": round(wall, 2),
        "page_ready_ms": {"p50": round(1000 * _pct(pages, 50)), "p95": round(1000 * _pct(pages, 95))},
        "correction_round_trip_ms": {"p50": round(1000 * _pct(fixes, 50)), "p95": round(1000 * _pct(fixes, 95))},
        "cpus": os.cpu_count(),
    }
    print(f"| {sessions} sessions at once, 20-document dossier | p50 | p95 |\n|---|---|---|")
    print(f"| page ready (HTML) | {result['page_ready_ms']['p50']} ms | {result['page_ready_ms']['p95']} ms |")
    print(f"| correction round trip | {result['correction_round_trip_ms']['p50']} ms | {result['correction_round_trip_ms']['p95']} ms |")
    print(f"\n{len(pages)} page loads and {len(fixes)} corrections in {wall:.1f} s; {rows} claim rows; {os.cpu_count()} cores (shared)")
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
