"""The store on each backend it supports: SQLite under DOSSIER_HOME, and a real PostgreSQL
server (tests/core/conftest.py). Everything a clerk, reviewer or auditor wrote must come
back exactly, in order, and never be doubled or lost."""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest

from core.models import (
    Applicant,
    Assessment,
    Award,
    Box,
    Claim,
    ClaimSet,
    ClauseResult,
    DocType,
    Document,
    DocumentClaims,
    Line,
    Manifest,
    Page,
    ReadingSource,
    Status,
    ValueType,
)
from core.store import Store

CODE = "91440101MA5XXXXX1X"


def _invoice(sha: str, code: str | None, number: str, amount: str = "100.00") -> DocumentClaims:
    claims = [
        Claim(field="invoice_number", value=number),
        Claim(field="total_amount", value_type=ValueType.money, value=amount),
    ]
    if code:
        claims.append(Claim(field="invoice_code", value=code))
    return DocumentClaims(document=sha, file_name=f"{number}.pdf", doc_type=DocType.invoice, claims=claims)


def _claims(dossier_id: str, *docs: DocumentClaims) -> ClaimSet:
    return ClaimSet(dossier_id=dossier_id, applicant=Applicant(name="广州某某科技有限公司", credit_code=CODE), year=2021, documents=list(docs))


def _assessment(dossier_id: str, *amounts: tuple[str, str], code: str | None = CODE, year: int = 2021) -> Assessment:
    results = [ClauseResult(clause_id=c, title=c, status=Status.eligible, amount=Decimal(a)) for c, a in amounts]
    return Assessment(
        dossier_id=dossier_id,
        rule_set_version="test-1",
        created_at=dt.datetime(2026, 11, 25, 9, 0),
        applicant=Applicant(credit_code=code),
        year=year,
        results=results,
        total=sum((r.amount for r in results), Decimal("0")),
    )


def _confirm(store: Store, dossier_id: str, assessment: Assessment, kind: str = "draft", comment: str = "",
             reviewer: str = "王", claims: ClaimSet | None = None) -> int:
    """Save an assessment (and a claim set, once) and confirm it, the rules standing in as
    a function that returns that assessment whatever the ledger says."""
    if store.latest_claimset(dossier_id) is None or claims is not None:
        claims_id = store.save_claimset(claims or _claims(dossier_id), "extract")
    else:
        claims_id = store.latest_claimset(dossier_id)[0]
    store.save_assessment(assessment, kind, claims_id)
    return store.confirm(dossier_id, reviewer, comment, reassess=lambda _claims, _ledger: assessment)


def _document(sha: str, name: str) -> Document:
    page = Page(
        number=1,
        width=2480,
        height=3508,
        source=ReadingSource(kind="ocr", engine="rapidocr", version="1.4.4", settings={"det": "PP-OCRv4"}),
        lines=[Line(text="价税合计（大写）壹佰元整", box=Box(x0=1.5, y0=2, x1=300.25, y1=40), confidence=0.97)],
        tags={"发票号码": ["24442000000012345678"]},
    )
    return Document(sha256=sha, original_name=name, media_type="image/jpeg", size=12345, pages=[page])


def test_upsert_dossier_is_idempotent_and_keeps_the_manifest(store: Store):
    m = Manifest(applicant_name="广州某某科技有限公司", credit_code=CODE, clauses=["art4.2"], year=2021, facts={"sme": True})
    store.upsert_dossier("D1", "2021 上云补助", "/in/a", m)
    store.upsert_dossier("D1", "2021 上云补助", "/in/a", m)
    store.upsert_dossier("D1", "renamed?", "/in/b")  # a re-intake without manifest keeps what was declared
    assert [d.id for d in store.dossiers()] == ["D1"]
    row = store.dossier("D1")
    assert (row.name, row.credit_code, row.applicant_name, row.year, row.status) == ("2021 上云补助", CODE, "广州某某科技有限公司", 2021, "received")
    assert store.manifest("D1") == m
    assert store.counts()["dossiers"] == 1
    store.set_status("D1", "in_review", year=2022)
    assert (store.dossier("D1").status, store.dossier("D1").year) == ("in_review", 2022)
    assert store.dossier("nope") is None and store.manifest("nope") is None


def test_same_content_in_two_dossiers_is_two_links(store: Store):
    sha = "a" * 64
    for d in ("D1", "D2"):
        store.upsert_dossier(d, d)
        store.link_file(d, "发票.pdf", sha, "application/pdf", 10)
    store.link_file("D1", "发票.pdf", sha, "application/pdf", 10)  # the same link again is not a new file
    store.link_file("D1", "副本.pdf", sha, "application/pdf", 10)  # same content, another name: kept
    store.link_file("D1", "坏.zip", None, status="error", error="zip is encrypted")
    store.link_file("D1", "坏.zip", None, status="error", error="zip is encrypted (again)")  # IS NULL matches
    assert [(f.original_name, f.sha256, f.status) for f in store.files("D1")] == [
        ("发票.pdf", sha, "ok"),
        ("副本.pdf", sha, "ok"),
        ("坏.zip", None, "error"),
    ]
    assert [f.dossier_id for f in store.files("D2")] == ["D2"]
    assert store.files("D1")[2].error == "zip is encrypted (again)"


def test_long_and_chinese_names_are_kept_whole(store: Store):
    """Nested zips give long shown names; nothing may be cut or refused on any backend."""
    name = "申报材料/" * 120 + "广州某某科技有限公司_2021年度工业互联网专项_增值税专用发票（第1联）.pdf"
    dossier_name = "穗埔府规〔2019〕9号 " + "工业互联网上云上平台补助申报" * 40
    store.upsert_dossier("D1", dossier_name, source="x" * 5000)
    store.link_file("D1", name, "c" * 64, "application/pdf", 3 * 1024**3)  # a 3 GiB scan fits too
    store.save_document("D1", _document("c" * 64, name))
    assert store.dossier("D1").name == dossier_name
    f = store.files("D1")[0]
    assert f.original_name == name and f.size == 3 * 1024**3
    assert store.document("D1", "c" * 64).original_name == name


def test_documents_are_saved_and_read_back_exactly(store: Store):
    store.upsert_dossier("D1", "d")
    a, b = _document("a" * 64, "一.jpg"), _document("b" * 64, "二.jpg")
    store.save_document("D1", a)
    store.save_document("D1", b)
    assert store.documents("D1") == [a, b]
    reread = a.model_copy(update={"original_name": "一（重读）.jpg"})
    store.save_document("D1", reread)  # re-reading replaces, never duplicates
    assert store.documents("D1") == [reread, b]
    assert store.document("D1", "b" * 64) == b
    assert store.document("D1", "z" * 64) is None and store.document("D2", "a" * 64) is None


def test_claimsets_are_versioned(store: Store):
    store.upsert_dossier("D1", "d")
    assert store.latest_claimset("D1") is None and store.extracted_claimset("D1") is None
    first = _claims("D1", _invoice("a" * 64, "044001900111", "12345678", "1000.01"))
    id1 = store.save_claimset(first, "extract")
    corrected = first.model_copy(update={"year": 2022})
    id2 = store.save_claimset(corrected, "correction")
    assert id2 > id1
    assert store.latest_claimset("D1") == (id2, corrected)
    assert store.extracted_claimset("D1") == first
    value = store.latest_claimset("D1")[1].documents[0].value("total_amount")
    assert value == Decimal("1000.01") and isinstance(value, Decimal)


def test_corrections_are_append_only_and_ordered(store: Store):
    store.upsert_dossier("D1", "d")
    ids = [
        store.add_correction("D1", "a" * 64, "total_amount", Decimal("100.00"), "1000.00", "王审核", "看错一位"),
        store.add_correction("D1", None, "device_count", 10, 40, "李"),
        store.add_correction("D1", "a" * 64, "issue_date", None, dt.date(2021, 5, 6), "王审核"),
    ]
    rows = store.corrections("D1")
    assert [r.id for r in rows] == ids == sorted(ids)
    assert [(r.document, r.field, r.old_json, r.new_json, r.reviewer) for r in rows] == [
        ("a" * 64, "total_amount", '"100.00"', '"1000.00"', "王审核"),
        (None, "device_count", "10", "40", "李"),
        ("a" * 64, "issue_date", "null", '"2021-05-06"', "王审核"),
    ]
    assert rows[0].reason == "看错一位"
    assert store.corrections("D2") == []


def test_assessments_by_kind(store: Store):
    store.upsert_dossier("D1", "d")
    cs = store.save_claimset(_claims("D1"), "extract")
    draft = _assessment("D1", ("art4.2", "60000.01"))
    audit = _assessment("D1", ("art4.2", "1.00"))
    d_id = store.save_assessment(draft, "draft", cs)
    a_id = store.save_assessment(audit, "audit")
    assert store.latest_assessment("D1") == (d_id, draft)  # audits are not the proposal
    assert store.latest_assessment("D1", ("audit",)) == (a_id, audit)
    assert store.assessments("D1") == [(d_id, "draft", draft), (a_id, "audit", audit)]
    back = store.latest_assessment("D1")[1]
    assert back.total == Decimal("60000.01") and back.results[0].amount == Decimal("60000.01")


def test_confirm_writes_the_ledger_and_reconfirming_reverses(store: Store):
    """Re-confirming appends reversals of the earlier awards, never deletes them (the old
    store deleted its rows: the defect of issue 9)."""
    store.upsert_dossier("D1", "d", manifest=Manifest(credit_code=CODE))
    _confirm(store, "D1", _assessment("D1", ("art4.2", "60000.00"), ("art6.1", "0"), ("art9", "0.01")), comment="同意")
    assert store.dossier("D1").status == "confirmed"
    ledger = store.ledger(CODE)
    assert sorted((a.clause_id, a.amount, a.year, a.dossier_id) for a in ledger.granted()) == [
        ("art4.2", Decimal("60000.00"), 2021, "D1"),
        ("art9", Decimal("0.01"), 2021, "D1"),  # zero amounts are not awards
    ]
    _confirm(store, "D1", _assessment("D1", ("art4.2", "50000.00")), kind="recomputed", comment="复核后改")
    assert [(a.clause_id, a.amount) for a in store.ledger(CODE).granted()] == [("art4.2", Decimal("50000.00"))]
    assert [(a.kind, a.clause_id) for a in store.ledger(CODE).awards] == [
        ("award", "art4.2"), ("award", "art9"), ("reversal", "art4.2"), ("reversal", "art9"), ("award", "art4.2")]
    assert store.ledger(CODE).paid(CODE, {"art4.2"}, 2021) == Decimal("50000.00")
    assert [d.action for d in store.decisions("D1")] == ["confirm", "confirm"]


def test_confirm_uses_the_dossier_credit_code_when_the_assessment_has_none(store: Store):
    store.upsert_dossier("D1", "d", manifest=Manifest(credit_code=CODE))
    cs = _claims("D1").model_copy(update={"applicant": Applicant()})
    _confirm(store, "D1", _assessment("D1", ("art4.2", "10.00"), code=None), claims=cs)
    assert [a.amount for a in store.ledger(CODE).awards] == [Decimal("10.00")]


def test_send_back_writes_no_award(store: Store):
    store.upsert_dossier("D1", "d", manifest=Manifest(credit_code=CODE))
    a_id = store.save_assessment(_assessment("D1", ("art4.2", "60000.00")), "draft")
    d_id = store.decide("D1", "send_back", "王", "缺合同")
    assert store.dossier("D1").status == "sent_back"
    assert store.ledger(CODE).awards == []
    (decision,) = store.decisions("D1")
    assert (decision.id, decision.action, decision.comment, decision.assessment_id) == (d_id, "send_back", "缺合同", a_id)
    with pytest.raises(ValueError):
        store.decide("D1", "approve", "王")


def test_ledger_excludes_the_current_dossier_and_keeps_manual_awards(store: Store):
    for d in ("D1", "D2"):
        store.upsert_dossier(d, d, manifest=Manifest(credit_code=CODE))
        _confirm(store, d, _assessment(d, ("art4.2", "100.00")))
    store.add_award(Award(credit_code=CODE, clause_id="art10", year=2020, amount=Decimal("7.77"), project="智能工厂", policy="穗埔府规〔2020〕1号"))
    store.add_award(Award(credit_code="someone-else", clause_id="art4.2", year=2021, amount=Decimal("5")))
    ledger = store.ledger(CODE, exclude_dossier="D2")
    assert sorted((a.dossier_id or "", a.clause_id, a.amount) for a in ledger.awards) == [
        ("", "art10", Decimal("7.77")),
        ("D1", "art4.2", Decimal("100.00")),
    ]
    manual = next(a for a in ledger.awards if a.dossier_id is None)
    assert (manual.project, manual.policy) == ("智能工厂", "穗埔府规〔2020〕1号")
    assert len(store.ledger(CODE).awards) == 3
    assert store.ledger(None).awards == [] and store.ledger("").awards == []


def test_manual_award_keeps_its_invoices(store: Store):
    """Rules read Award.invoices to refuse an invoice an earlier award already counted."""
    store.add_award(Award(credit_code=CODE, clause_id="art4.2", year=2020, amount=Decimal("1"), invoices=["044001900111:12345678"]))
    assert store.ledger(CODE).awards[0].invoices == ["044001900111:12345678"]


def test_seen_invoices_across_dossiers_use_each_latest_claim_set(store: Store):
    store.upsert_dossier("D1", "a")
    store.upsert_dossier("D2", "b")
    store.upsert_dossier("D3", "c")
    store.save_claimset(_claims("D1", _invoice("a" * 64, "044001900111", "00000001")), "extract")
    store.save_claimset(_claims("D1", _invoice("a" * 64, "044001900111", "00000002")), "correction")  # latest wins
    store.save_claimset(_claims("D2", _invoice("b" * 64, None, "24442000000012345678")), "extract")
    store.save_claimset(_claims("D3", _invoice("c" * 64, "1", "9")), "extract")
    assert store.seen_invoices("D3") == {"044001900111:00000002": "D1", ":24442000000012345678": "D2"}
    assert set(store.seen_invoices("D1")) == {":24442000000012345678", "1:9"}


def test_audit_runs(store: Store):
    store.upsert_dossier("D1", "d")
    base = store.save_assessment(_assessment("D1", ("art4.2", "1.00")), "draft")
    new = store.save_assessment(_assessment("D1", ("art4.2", "2.00")), "audit")
    first = store.save_audit_run("D1", base, new, {"art4.2": {"old": Decimal("1.00"), "new": Decimal("2.00")}, "说明": "规则更新"})
    second = store.save_audit_run("D1", base, None, [])
    assert second > first
    with store.session() as s:
        from core.store import AuditRunRow

        rows = s.query(AuditRunRow).order_by(AuditRunRow.id).all()
    assert [(r.baseline_assessment_id, r.new_assessment_id) for r in rows] == [(base, new), (base, None)]
    assert rows[0].diff_json == '{"art4.2": {"old": "1.00", "new": "2.00"}, "说明": "规则更新"}'


def test_award_amounts_are_exact(store: Store):
    """A hundred one-fen awards sum to exactly one yuan; large amounts keep their fen."""
    for i in range(100):
        store.add_award(Award(credit_code=CODE, clause_id="art4.2", year=2021, amount=Decimal("0.01")))
    store.add_award(Award(credit_code=CODE, clause_id="art6.1", year=2021, amount=Decimal("99999999999999.99")))
    ledger = store.ledger(CODE)
    assert ledger.paid(CODE, {"art4.2"}) == Decimal("1.00")
    assert ledger.paid(CODE, {"art6.1"}) == Decimal("99999999999999.99")
    assert all(isinstance(a.amount, Decimal) for a in ledger.awards)


def _all_at_once(work, names: list[str]) -> list[BaseException]:
    """Run work(name) in one thread per name, released together; what they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(names))

    def run(name: str) -> None:
        start.wait()
        try:
            work(name)
        except BaseException as exc:  # a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_concurrent_writers_all_land(store: Store):
    store.upsert_dossier("D1", "d")

    def reviewer(name: str) -> None:
        for i in range(25):
            store.add_correction("D1", None, "device_count", i, i + 1, name)

    assert _all_at_once(reviewer, ["甲", "乙", "丙"]) == []
    rows = store.corrections("D1")
    assert len(rows) == 75
    for name in ("甲", "乙", "丙"):  # each reviewer's own corrections stay in the order given
        assert [r.new_json for r in rows if r.reviewer == name] == [str(i + 1) for i in range(25)]


def test_two_stores_on_one_database_see_each_other(store_url):
    a, b = Store(store_url), Store(store_url)
    try:
        a.upsert_dossier("D1", "d")
        b.add_correction("D1", None, "sme", None, True, "王")
        assert [r.reviewer for r in a.corrections("D1")] == ["王"]
    finally:
        a.engine.dispose()
        b.engine.dispose()


def test_missing_dossier_is_a_clear_error(store: Store):
    with pytest.raises(KeyError, match="D404"):
        store.confirm("D404", "王", reassess=lambda _c, _l: None)
    with pytest.raises(KeyError, match="D404"):
        store.set_status("D404", "in_review")


def test_dossier_home_isolation(tmp_path, monkeypatch):
    """Two homes, two installations: nothing written under one shows up under the other."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    stores = {}
    for name in ("one", "two"):
        monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / name))
        stores[name] = Store()
        assert stores[name].url.endswith(f"{name}/dossier.db")
    try:
        stores["one"].upsert_dossier("D1", "only in one")
        stores["one"].add_award(Award(credit_code=CODE, clause_id="art4.2", year=2021, amount=Decimal("1")))
        assert stores["two"].dossiers() == [] and stores["two"].ledger(CODE).awards == []
        assert set(stores["two"].counts().values()) == {0}
        assert (tmp_path / "one" / "dossier.db").exists() and (tmp_path / "two" / "dossier.db").exists()
    finally:
        for s in stores.values():
            s.engine.dispose()


def test_confirm_records_the_invoices_each_award_counted(store: Store):
    from core.models import Evidence, FormulaInput

    store.upsert_dossier("D1", "d", manifest=Manifest(credit_code=CODE))
    cs = _claims("D1", _invoice("a" * 64, "044001900111", "12345678"), _invoice("b" * 64, None, "24442000000012345678"))
    cs_id = store.save_claimset(cs, "extract")
    cited = ClauseResult(
        clause_id="art4.2",
        title="上云",
        status=Status.eligible,
        amount=Decimal("50.00"),
        inputs=[FormulaInput(name="费用", value="100.00", evidence=[Evidence(document="b" * 64, text="100.00")])],
    )
    a = _assessment("D1").model_copy(update={"results": [cited], "total": Decimal("50.00")})
    store.save_assessment(a, "draft", cs_id)
    store.confirm("D1", "王", reassess=lambda _c, _l: a)
    (award,) = store.ledger(CODE).awards
    assert award.invoices == ["24442000000012345678"]


def test_a_database_from_before_award_invoices_still_opens(tmp_path):
    """An installation's dossier.db made before awards kept their invoices (and with amounts
    stored as NUMERIC floats) opens, gains the column, and reads its awards exactly."""
    import sqlite3

    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.execute(
        "CREATE TABLE awards (id INTEGER PRIMARY KEY, credit_code VARCHAR(32), clause_id VARCHAR(20), year INTEGER,"
        " amount NUMERIC(16, 2), dossier_id VARCHAR(64), project TEXT, policy VARCHAR(200), at DATETIME)"
    )
    con.execute("INSERT INTO awards (credit_code, clause_id, year, amount, policy) VALUES (?, 'art4.2', 2020, 0.1, 'p')", (CODE,))
    con.commit()
    con.close()
    store = Store(f"sqlite:///{db}")
    try:
        store.add_award(Award(credit_code=CODE, clause_id="art4.2", year=2021, amount=Decimal("0.2"), invoices=["1:2"]))
        awards = store.ledger(CODE).awards
        assert [(a.amount, a.invoices) for a in awards] == [(Decimal("0.10"), []), (Decimal("0.20"), ["1:2"])]
        assert store.ledger(CODE).paid(CODE, {"art4.2"}) == Decimal("0.30")
    finally:
        store.engine.dispose()


def test_concurrent_confirmations_never_double_the_ledger(store: Store):
    """Reviewers pressing confirm at once: one set of awards, every decision on record."""
    store.upsert_dossier("D1", "d", manifest=Manifest(credit_code=CODE))
    a = _assessment("D1", ("art4.2", "100.00"), ("art6.1", "0.01"))
    store.save_assessment(a, "draft", store.save_claimset(_claims("D1"), "extract"))

    def confirm(name: str) -> None:
        for _ in range(5):
            store.confirm("D1", name, reassess=lambda _c, _l: a)

    assert _all_at_once(confirm, ["甲", "乙", "丙", "丁"]) == []
    assert len(store.decisions("D1")) == 20
    ledger = store.ledger(CODE)
    assert sorted((a.clause_id, a.amount) for a in ledger.granted()) == [("art4.2", Decimal("100.00")), ("art6.1", Decimal("0.01"))]
    assert len(ledger.awards) == 2 * 20 + 2 * 19  # every confirmation's awards, every earlier one reversed


def test_database_url_chooses_the_backend(store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    st = Store()
    try:
        assert st.url == store_url and st.engine.dialect.name == store_url.split(":")[0].split("+")[0]
        st.upsert_dossier("D1", "d")
        assert [d.id for d in st.dossiers()] == ["D1"]
    finally:
        st.engine.dispose()


def test_rows_of_an_unknown_dossier_are_refused_on_every_backend(store: Store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        store.add_correction("D404", None, "sme", None, True, "王")
    assert store.corrections("D404") == []


def test_sqlite_pragmas_only_on_sqlite(store: Store):
    from sqlalchemy import text

    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        else:
            assert conn.execute(text("SHOW server_encoding")).scalar() == "UTF8"
