"""A real store in a temporary DOSSIER_HOME holding one dossier a reviewer would see:
three scanned pages (PNG rendered with Pillow, text where the boxes say), claims read off
them, facts from a manifest, and a draft assessment from the real rules engine."""
from __future__ import annotations

import hashlib
import io
import re
import shutil
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from core.models import (
    Applicant,
    Box,
    Claim,
    ClaimSet,
    DocType,
    Document,
    DocumentClaims,
    Evidence,
    EvidenceKind,
    Line,
    Manifest,
    Page,
    ReadingSource,
    ValueType,
)
from core.store import Store

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
APPLICANT = "广州示例智能制造有限公司"
CREDIT_CODE = "91440116MA5EXAMPLE"
PAGE_W, PAGE_H = 900, 1200


@dataclass
class Sample:
    home: Path
    store: Store
    dossier_id: str
    invoice: str  # sha256 of the invoice document
    licence: str
    letter: str
    accounts: bool = False  # the four USERS are in its store already


@lru_cache(maxsize=None)
def _drawn(texts: tuple[tuple[str, int, int, int], ...]) -> tuple[bytes, tuple[Line, ...]]:
    img = Image.new("RGB", (PAGE_W, PAGE_H), "white")
    draw = ImageDraw.Draw(img)
    lines = []
    for text, x, y, size in texts:
        font = ImageFont.truetype(FONT, size)
        draw.text((x, y), text, fill="black", font=font)
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
        lines.append(Line(text=text, box=Box(x0=x0 - 2, y0=y0 - 2, x1=x1 + 2, y1=y1 + 2), confidence=0.97))
    draw.rectangle((30, 30, PAGE_W - 30, PAGE_H - 30), outline="#888888", width=2)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue(), tuple(lines)


def render_page(home: Path, texts: list[tuple[str, int, int, int]]) -> tuple[str, list[Line], str]:
    """Draw (text, x, y, size) on a white page (once per test run) and file it under home;
    return (sha of the PNG, lines with their true boxes, image path relative to home)."""
    png, lines = _drawn(tuple(texts))
    sha = hashlib.sha256(png).hexdigest()
    path = home / "pages" / sha / "1.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return sha, list(lines), f"pages/{sha}/1.png"


def scanned(home: Path, name: str, texts: list[tuple[str, int, int, int]]) -> tuple[Document, list[Line]]:
    sha, lines, image = render_page(home, texts)
    page = Page(number=1, width=PAGE_W, height=PAGE_H, unit="px", image=image, lines=lines,
                source=ReadingSource(kind="ocr", engine="rapidocr-onnxruntime", version="1.4.4"))
    return Document(sha256=sha, original_name=name, media_type="image/png",
                    size=(home / image).stat().st_size, pages=[page]), lines


def read(doc: Document, line: Line, field: str, vt: ValueType, value, confidence: float = 0.95) -> Claim:
    ev = Evidence(document=doc.sha256, file_name=doc.original_name, page=1, box=line.box, text=line.text,
                  source="ocr:rapidocr-onnxruntime@1.4.4")
    return Claim(field=field, value_type=vt, value=value, confidence=confidence, evidence=[ev])


def declared(field: str, value) -> Claim:
    return Claim(field=field, value_type=ValueType.boolean, value=value,
                 evidence=[Evidence(kind=EvidenceKind.manifest, text=f"{field}: {str(value).lower()}", source="manifest.yaml")])


def build_sample(home: Path, dossier_id: str = "d-2021-001") -> Sample:
    from rules.engine import assess

    store = Store()
    invoice, inv_lines = scanned(home, "云MES服务费发票.png", [
        ("广东增值税电子普通发票", 260, 80, 36),
        ("发票代码：044002100111", 80, 200, 24),
        ("发票号码：12345678", 520, 200, 24),
        ("开票日期：2021年03月15日", 80, 250, 24),
        ("销售方：广州云工业软件有限公司", 80, 320, 24),
        ("云MES订阅服务费 1年", 80, 420, 24),
        ("价税合计（小写）¥100000.00", 80, 560, 28),
    ])
    licence, lic_lines = scanned(home, "营业执照.png", [
        ("营 业 执 照", 330, 90, 44),
        (f"统一社会信用代码 {CREDIT_CODE}", 80, 230, 24),
        (f"名称 {APPLICANT}", 80, 300, 24),
        ("住所 广州市黄埔区科学大道100号", 80, 360, 24),
    ])
    letter, let_lines = scanned(home, "承诺书.png", [
        ("承 诺 书", 360, 90, 40),
        (f"本单位{APPLICANT}郑重承诺：", 80, 220, 24),
        ("10年内注册地址及办公地址不迁离本区。", 80, 270, 24),
        ("不改变在本区的纳税义务，不变更在本区的统计关系，不减少注册资本。", 80, 320, 24),
    ])
    claims = ClaimSet(
        dossier_id=dossier_id,
        applicant=Applicant(name=APPLICANT, credit_code=CREDIT_CODE),
        year=2021,
        clauses=["art4.2"],
        documents=[
            DocumentClaims(document=invoice.sha256, file_name=invoice.original_name, doc_type=DocType.invoice,
                           doc_type_confidence=0.97, subtype="电子普通发票", clauses=["art4.2"], claims=[
                               read(invoice, inv_lines[1], "invoice_code", ValueType.text, "044002100111"),
                               read(invoice, inv_lines[2], "invoice_number", ValueType.text, "12345678"),
                               read(invoice, inv_lines[3], "issue_date", ValueType.date, "2021-03-15"),
                               read(invoice, inv_lines[4], "seller_name", ValueType.text, "广州云工业软件有限公司"),
                               read(invoice, inv_lines[6], "total_amount", ValueType.money, "100000.00", 0.72),
                               read(invoice, inv_lines[5], "items", ValueType.items,
                                    [{"name": "云MES订阅服务费", "unit": "年", "quantity": "1", "amount": "100000.00"}]),
                           ]),
            DocumentClaims(document=licence.sha256, file_name=licence.original_name, doc_type=DocType.business_licence,
                           doc_type_confidence=0.99, claims=[
                               read(licence, lic_lines[1], "credit_code", ValueType.text, CREDIT_CODE),
                               read(licence, lic_lines[2], "company_name", ValueType.text, APPLICANT),
                               read(licence, lic_lines[3], "address", ValueType.text, "广州市黄埔区科学大道100号"),
                           ]),
            DocumentClaims(document=letter.sha256, file_name=letter.original_name, doc_type=DocType.commitment_letter,
                           doc_type_confidence=0.93, claims=[
                               read(letter, let_lines[1], "company_name", ValueType.text, APPLICANT),
                               read(letter, let_lines[2], "commitment_years", ValueType.integer, 10),
                               read(letter, let_lines[3], "commitments", ValueType.list,
                                    ["no_move", "tax", "statistics", "capital"]),
                           ]),
        ],
        facts=[declared("sme", True), declared("industrial_enterprise", True), declared("in_district", True)],
    )
    store.upsert_dossier(dossier_id, "示例案卷 2021 上云补助", source="tests",
                         manifest=Manifest(applicant_name=APPLICANT, credit_code=CREDIT_CODE, clauses=["art4.2"], year=2021))
    for doc in (invoice, licence, letter):
        store.link_file(dossier_id, doc.original_name, doc.sha256, doc.media_type, doc.size)
        store.save_document(dossier_id, doc)
    claimset_id = store.save_claimset(claims, origin="extract")
    store.save_assessment(assess(claims, store.ledger(CREDIT_CODE, exclude_dossier=dossier_id)), "draft", claimset_id)
    store.set_status(dossier_id, "assessed")
    return Sample(home=home, store=store, dossier_id=dossier_id, invoice=invoice.sha256,
                  licence=licence.sha256, letter=letter.sha256)


@pytest.fixture(scope="session")
def sample_homes(tmp_path_factory) -> dict[bool, Sample]:
    """The sample built once a session into a home of its own, without and with the accounts
    (four argon2 hashes, the bulk of a test's set-up): each test gets a copy of one, made by the
    very functions a test would call, so every test still starts from a store no other touched."""
    built = {}
    for accounts in (False, True):
        home = tmp_path_factory.mktemp("sample-home") / "home"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DOSSIER_HOME", str(home))
            mp.delenv("DATABASE_URL", raising=False)
            built[accounts] = build_sample(home)
            if accounts:
                add_users(built[accounts].store)
            built[accounts].store.engine.dispose()  # the database whole in its file before a copy
    return built


@pytest.fixture
def sample(tmp_path, monkeypatch, request, sample_homes) -> Sample:
    """A fresh copy of the built sample in this test's own DOSSIER_HOME; with the accounts in it
    already when the test logs in through the app fixture."""
    home = tmp_path / "home"
    monkeypatch.setenv("DOSSIER_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    built = sample_homes["app" in request.fixturenames]
    shutil.copytree(built.home, home)
    return replace(built, home=home, store=Store(), accounts="app" in request.fixturenames)


# Accounts every review test can log in as: two reviewers, an approver, an admin.
PASSWORD = "correct horse battery staple"
USERS = {"张三": "reviewer", "王五": "reviewer", "李四": "approver", "admin": "admin"}
ORIGIN = "http://testserver"


def add_users(store: Store) -> None:
    from core.accounts import Accounts

    accounts = Accounts(store)
    for name, role in USERS.items():
        accounts.add(name, role, PASSWORD)


def login(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    """Log in through the login form, then send the session's CSRF token and this origin
    with every request, as the app's own pages do."""
    form = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)[1]
    r = client.post("/login", data={"name": name, "password": password, "login_token": token, "next": "/"},
                    headers={"Origin": ORIGIN}, follow_redirects=False)
    assert r.status_code == 303, r.text
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', client.get("/").text)[1]
    client.headers.update({"X-CSRF-Token": csrf, "Origin": ORIGIN})
    return client


@pytest.fixture
def app(sample):
    from review_ui.app import create_app

    if not sample.accounts:
        add_users(sample.store)
    return create_app(sample.store, allowed_hosts=["testserver"], key=b"test-key")


@pytest.fixture
def anon(app) -> TestClient:
    return TestClient(app)


@pytest.fixture
def client(app) -> TestClient:
    """Logged in as 张三, a reviewer."""
    return login(TestClient(app), "张三")


@pytest.fixture
def approver(app) -> TestClient:
    """Logged in as 李四, an approver."""
    return login(TestClient(app), "李四")
