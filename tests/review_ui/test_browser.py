"""The review page in a real browser (Debian's chromium through Playwright): page images
and boxes drawn, an inline edit recomputing the assessment without a reload, confirm, log."""
from __future__ import annotations

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
    page.goto(f"{server}/")
    log_in(page, "张三")
    page.get_by_role("link", name="示例案卷 2021 上云补助").click()
    expect(page.locator("#assessment-total")).to_have_text("¥50,000.00")

    # every page image is loaded and carries its boxes
    invoice_img = page.locator(f'figure[data-doc="{sample.invoice}"] img')
    expect(invoice_img).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=invoice_img.element_handle())
    assert page.locator(".box").count() == 12
    row_id = f"c-{sample.invoice[:12]}-4"
    box = page.locator(f'.box[data-target="{row_id}"]')
    frame = page.locator(f'figure[data-doc="{sample.invoice}"] .page-frame').bounding_box()
    b = box.bounding_box()
    assert frame["x"] < b["x"] < frame["x"] + frame["width"] / 2 and frame["y"] < b["y"] < frame["y"] + frame["height"] / 2

    # hovering the box lights up its claim row
    box.hover()
    expect(page.locator(f"#{row_id}")).to_have_class("claim hl")
    page.screenshot(path=str(SCREENSHOTS / "review_ui_dossier.png"))

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # an invalid value is refused inline
    page.locator(f"#{row_id} .value-btn").click()
    page.locator(f"#{row_id} .edit-value").fill("abc")
    page.locator(f"#{row_id} button.save").click()
    expect(page.locator(f"#{row_id} .error")).to_contain_text("not a number")
    expect(page.locator("#assessment-total")).to_have_text("¥50,000.00")

    # a valid one saves; the assessment recomputes on screen
    page.locator(f"#{row_id} .edit-value").fill("120000")
    page.locator(f"#{row_id} .edit-reason").fill("小写金额识别错误")
    page.locator(f"#{row_id} .edit-value").press("Enter")
    expect(page.locator(f"#{row_id} .value-btn")).to_have_text("120,000.00")
    expect(page.locator("#assessment-total")).to_have_text("¥60,000.00")
    expect(page.locator("#clause-art4-2 .amount")).to_have_text("¥60,000.00")
    expect(page.locator("#status-badge")).to_have_text("审核中 in review")
    assert page.evaluate("window.__sameDocument === true")
    page.screenshot(path=str(SCREENSHOTS / "review_ui_corrected.png"))

    # evidence in the assessment jumps to its box on the page
    page.locator("#clause-art4-2 a.jump").first.click()
    expect(page.locator(".flash")).to_have_count(1)

    # a second person, an approver, confirms the money
    page.locator("button.logout").click()
    log_in(page, "李四")
    page.goto(f"{server}/dossiers/{sample.dossier_id}")
    page.fill(".decision textarea", "材料齐全，同意")
    page.locator("button.confirm").click()
    expect(page.locator(".banner.confirmed")).to_contain_text("李四")
    assert sample.store.dossier(sample.dossier_id).status == "confirmed"
    page.screenshot(path=str(SCREENSHOTS / "review_ui_confirmed.png"))

    page.locator(".log-link").click()
    expect(page.locator("tr.log-correction")).to_contain_text("120000.00")
    expect(page.locator("tr.log-correction")).to_contain_text("小写金额识别错误")
    expect(page.locator("tr.log-correction")).to_contain_text("张三")
    expect(page.locator("tr.log-decision")).to_contain_text("李四")
    expect(page.locator("tr.log-assessment")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / "review_ui_log.png"), full_page=True)
    assert errors == []
