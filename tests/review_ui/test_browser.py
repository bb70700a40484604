"""The review page in a real browser (Debian's chromium through Playwright): log in, walk the
attention list by keyboard, zoom to a box, correct a value and a line item without a reload,
a second account confirms, the 审核意见 downloads, and a phone-width window has one column."""
from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path("/tmp")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(sample):
    from review_ui.app import create_app
    from tests.review_ui.conftest import add_users

    add_users(sample.store)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(sample.store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def log_in(page, name: str) -> None:
    from playwright.sync_api import expect
    from tests.review_ui.conftest import PASSWORD

    expect(page.locator("form.login-form")).to_be_visible()
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.login-form button").click()
    expect(page.locator("#account")).to_contain_text(name)


def test_review_a_dossier_in_the_browser(server, sample, page):
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{server}/")
    log_in(page, "张三")
    expect(page.locator(f'tr[data-dossier="{sample.dossier_id}"] .attn-count.k-low_confidence')).to_contain_text("1")
    page.get_by_role("link", name="示例案卷 2021 上云补助").click()
    expect(page.locator("#assessment-total")).to_have_text("¥50,000.00")

    # every page image is loaded and carries its boxes
    invoice = page.locator(f'figure[data-doc="{sample.invoice}"]')
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=invoice.locator("img").element_handle())
    assert page.locator(".box").count() == 12
    row_id = f"c-{sample.invoice[:12]}-4"  # the invoice total, read at 72%: first on the attention list
    frame = invoice.locator(".viewport").bounding_box()
    b = page.locator(f'.box[data-target="{row_id}"]').bounding_box()
    assert frame["x"] < b["x"] < frame["x"] + frame["width"] / 2 and frame["y"] < b["y"] < frame["y"] + frame["height"] / 2
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # the attention list by keyboard: n goes to the total and zooms to its box, e edits, Enter saves
    page.locator("h1.dossier-title").click()
    page.keyboard.press("n")
    expect(page.locator("#attention li.current")).to_contain_text("total_amount")
    expect(page.locator(f"#{row_id}")).to_have_class(re.compile(r"\battn-target\b"))
    assert float(invoice.get_attribute("data-zoom")) > 1.5
    page.screenshot(path=str(SCREENSHOTS / "review_ui_attention.png"))
    page.keyboard.press("e")
    edit = page.locator(f"#{row_id} .edit-value")
    expect(edit).to_be_focused()
    edit.fill("abc")
    edit.press("Enter")
    expect(page.locator(f"#{row_id} .error")).to_contain_text("not a number")
    page.locator(f"#{row_id} .edit-value").fill("120000")
    page.locator(f"#{row_id} .edit-reason").fill("小写金额识别错误")
    page.locator(f"#{row_id} .edit-value").press("Enter")
    expect(page.locator(f"#{row_id} .value-btn")).to_have_text("120,000.00")
    expect(page.locator("#assessment-total")).to_have_text("¥60,000.00")
    expect(page.locator("#attention")).not_to_contain_text("total_amount")  # corrected: off the list

    # pages: a box selects its value; a value zooms to its box; rotate and reset
    page.locator(f'figure[data-doc="{sample.invoice}"] button[data-act="reset"]').click()
    seller = f"c-{sample.invoice[:12]}-3"
    page.locator(f'.box[data-target="{seller}"]').click()
    expect(page.locator(f"#{seller}")).to_have_class(re.compile(r"\bselected\b"))
    page.locator(f"#{seller} td.field").click()
    assert float(invoice.get_attribute("data-zoom")) > 1.5
    page.locator(f'figure[data-doc="{sample.invoice}"] button[data-act="rotate"]').click()
    expect(invoice).to_have_attribute("data-rotate", "90")
    page.screenshot(path=str(SCREENSHOTS / "review_ui_zoomed.png"))
    page.locator(f'figure[data-doc="{sample.invoice}"] button[data-act="reset"]').click()

    # a line item corrected in its table, one row added (the lines now add up to the corrected total)
    items = f"c-{sample.invoice[:12]}-5"
    page.locator(f"#{items} .value-btn").click()
    page.locator(f'#{items} tr.item-row >> nth=0 >> input[data-key="quantity"]').fill("1")
    page.locator(f'#{items} tr.item-row >> nth=1 >> input[data-key="name"]').fill("云平台软件服务")
    page.locator(f'#{items} tr.item-row >> nth=1 >> input[data-key="amount"]').fill("20000")
    page.locator(f"#{items} button.save").click()
    expect(page.locator(f"#{items} .value-btn")).to_contain_text("云平台软件服务 = 20,000.00")
    assert page.evaluate("window.__sameDocument === true")

    # a second person, an approver, confirms the money; the 审核意见 downloads
    page.locator("button.logout").click()
    log_in(page, "李四")
    page.goto(f"{server}/dossiers/{sample.dossier_id}")
    page.fill(".decision textarea", "材料齐全，同意")
    page.locator("button.confirm").click()
    expect(page.locator(".banner.confirmed")).to_contain_text("李四")
    assert sample.store.dossier(sample.dossier_id).status == "confirmed"
    with page.expect_download() as download:
        page.locator("a.opinion-link").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename.endswith(".pdf")

    page.locator(".log-link").click()
    expect(page.locator("tr.log-correction").first).to_contain_text("张三")
    expect(page.locator("tr.log-decision")).to_contain_text("李四")

    # a phone: one column, nothing to scroll sideways
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"{server}/", f"{server}/dossiers/{sample.dossier_id}"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    panes = page.locator("section.pane")
    assert panes.nth(0).bounding_box()["width"] > 350 and panes.nth(1).bounding_box()["y"] > panes.nth(0).bounding_box()["y"]
    page.screenshot(path=str(SCREENSHOTS / "review_ui_phone.png"))
    assert errors == []
