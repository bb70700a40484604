"""The app's walls over HTTP: login on every route, CSRF, Origin, Host, headers, roles."""
from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.review_ui.conftest import ORIGIN, PASSWORD, login


def _concrete(path: str, sample) -> str:
    return (path.replace("{dossier_id}", sample.dossier_id).replace("{sha256}", sample.invoice)
            .replace("{number}", "1").replace("{mode}", "edit"))


def api_routes(routes):
    for r in routes:
        if hasattr(r, "original_router"):  # an included router (FastAPI keeps them nested)
            yield from api_routes(r.original_router.routes)
        elif isinstance(r, APIRoute):
            yield r
        else:
            assert r.path == "/static", f"{r.path} is not an API route, so the guard does not cover it"


def test_every_route_but_login_needs_a_session(app, anon, sample):
    before = sample.store.counts()
    checked = 0
    for route in api_routes(app.routes):
        if route.path == "/login":
            continue
        for method in route.methods:
            r = anon.request(method, _concrete(route.path, sample) + "?index=0", follow_redirects=False,
                             headers={"Origin": ORIGIN})
            if method == "GET" and not route.path.startswith("/api/"):
                assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), (method, route.path)
            else:
                assert r.status_code == 401, (method, route.path, r.status_code)
            checked += 1
    assert checked >= 14
    for hidden in ("/docs", "/openapi.json", "/redoc"):
        assert anon.get(hidden).status_code == 404
    assert anon.get(f"/pages/{sample.invoice}/1", headers={"HX-Request": "true"}).status_code == 401
    assert anon.get("/login").status_code == 200
    assert sample.store.counts() == before


def test_login_logout_and_wrong_passwords(app, anon, sample):
    form = anon.get("/login?next=//evil.example/x")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)[1]
    assert 'name="next" value="/"' in form.text  # an off-site next is dropped
    bad = anon.post("/login", data={"name": "张三", "password": "wrong password!", "login_token": token},
                    headers={"Origin": ORIGIN})
    assert bad.status_code == 401 and "wrong name or password" in bad.text and "dossier_session" not in bad.headers.get("set-cookie", "")
    forged = TestClient(app).post("/login", data={"name": "张三", "password": PASSWORD, "login_token": token},
                                  headers={"Origin": "http://evil.example"}, follow_redirects=False)
    assert forged.status_code == 403
    client = login(TestClient(app), "张三")
    cookie = client.cookies.get("dossier_session")
    assert client.get("/").status_code == 200 and "张三" in client.get("/").text
    r = client.post("/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    # the old cookie is worthless once logged out, even replayed by hand
    replay = TestClient(app, cookies={"dossier_session": cookie})
    assert replay.get("/", follow_redirects=False).status_code == 303
    tampered = TestClient(app, cookies={"dossier_session": cookie[:-1] + ("0" if cookie[-1] != "0" else "1")})
    assert tampered.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_httponly_and_samesite_strict(app):
    client = TestClient(app)
    form = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)[1]
    r = client.post("/login", data={"name": "张三", "password": PASSWORD, "login_token": token},
                    headers={"Origin": ORIGIN}, follow_redirects=False)
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("dossier_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Path=/" in cookie


def correction(sample) -> dict:
    from review_ui.review import field_version

    return {"field": "device_count", "value": "40", "add": "1",
            "version": str(field_version(sample.store, sample.dossier_id, None, "device_count"))}


def test_csrf_token_is_required(client, sample):
    url = f"/dossiers/{sample.dossier_id}/corrections"
    before = sample.store.counts()
    token = client.headers.pop("X-CSRF-Token")
    assert client.post(url, data=correction(sample)).status_code == 403
    assert client.post(url, data=correction(sample), headers={"X-CSRF-Token": token[:-2] + "00"}).status_code == 403
    assert client.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "send_back", "comment": "x"}).status_code == 403
    assert sample.store.counts() == before and sample.store.decisions(sample.dossier_id) == []
    # the same token as a form field, as the logout form sends it, is accepted
    assert client.post(url, data={**correction(sample), "csrf_token": token}).status_code == 200


def test_cross_origin_requests_are_refused(client, sample):
    url = f"/dossiers/{sample.dossier_id}/corrections"
    before = sample.store.counts()
    assert client.post(url, data=correction(sample), headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post(url, data=correction(sample), headers={"Origin": "null"}).status_code == 403
    assert client.post(url, data=correction(sample), headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post(url, data=correction(sample), headers={"Origin": "null", "Sec-Fetch-Site": "same-site"}).status_code == 403
    del client.headers["Origin"]
    assert client.post(url, data=correction(sample)).status_code == 403  # neither Origin nor Referer
    assert client.post(url, data=correction(sample), headers={"Referer": "http://evil.example/x"}).status_code == 403
    assert sample.store.counts() == before
    assert client.post(url, data=correction(sample), headers={"Referer": f"{ORIGIN}/dossiers/x"}).status_code == 200
    # what a browser sends for its own form under Referrer-Policy: no-referrer
    assert client.post(url, data=correction(sample),
                       headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_unknown_host_is_refused(client, sample):
    r = client.get("/", headers={"Host": "rebind.evil.example"})
    assert r.status_code == 400
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections", data=correction(sample),
                    headers={"Host": "rebind.evil.example", "Origin": "http://rebind.evil.example"})
    assert r.status_code == 400 and sample.store.corrections(sample.dossier_id) == []


def test_security_headers_on_every_answer(client, anon, sample):
    for r in (client.get("/"), client.get(f"/dossiers/{sample.dossier_id}"), client.get("/static/app.css"),
              anon.get("/login"), anon.get("/api/dossiers")):
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"


def test_bearer_tokens_for_scripts(anon, sample):
    from core.accounts import Accounts

    accounts = Accounts(sample.store)
    token = accounts.issue_token("张三")
    ok = anon.get("/api/dossiers", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.json()[0]["id"] == sample.dossier_id
    assert anon.get("/api/dossiers", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
    # a token is no way around the Origin check when a browser page sends one
    r = anon.post(f"/api/dossiers/{sample.dossier_id}/corrections", json={"field": "device_count", "value": "4", "version": 0},
                  headers={"Authorization": f"Bearer {token}", "Origin": "http://evil.example"})
    assert r.status_code == 403
    accounts.disable("张三")
    assert anon.get("/api/dossiers", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def settle_gate(client, sample):
    """The sample's letter has no read promises, so art2 waits for a reviewer's decision
    (issue 9: nothing open is confirmed)."""
    r = client.post(f"/dossiers/{sample.dossier_id}/clauses/art2/decision", data={"decision": "grant", "reason": "承诺书四项承诺已核对"})
    assert r.status_code == 200, r.text


def test_two_people_confirm_money(client, approver, app, sample):
    url = f"/dossiers/{sample.dossier_id}/decision"
    settle_gate(client, sample)
    assert approver.post(f"/dossiers/{sample.dossier_id}/corrections", data=correction(sample)).status_code == 200
    r = approver.post(url, data={"action": "confirm"})
    assert r.status_code == 403 and "two-person" in r.text and sample.store.decisions(sample.dossier_id) == []
    admin = login(TestClient(app), "admin")
    r = admin.post(url, data={"action": "confirm"})
    assert r.status_code == 200 and sample.store.decisions(sample.dossier_id)[-1].reviewer == "admin"
    assert [e for e in sample.store.corrections(sample.dossier_id)][-1].reviewer == "李四"


def test_two_person_rule_can_be_turned_off(sample):
    from review_ui.app import create_app
    from tests.review_ui.conftest import add_users

    add_users(sample.store)
    solo = login(TestClient(create_app(sample.store, allowed_hosts=["testserver"], key=b"k", two_person=False)), "李四")
    settle_gate(solo, sample)
    assert solo.post(f"/dossiers/{sample.dossier_id}/corrections", data=correction(sample)).status_code == 200
    assert solo.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm"}).status_code == 200


def test_serving_beyond_loopback_needs_an_admin(sample):
    from core.accounts import Accounts
    from review_ui.serve import ServeRefused, lan_hosts, serve

    with pytest.raises(ServeRefused, match="dossier users add NAME --role admin"):
        serve(host="0.0.0.0", port=1)
    Accounts(sample.store).add("boss", "reviewer", PASSWORD)
    with pytest.raises(ServeRefused):
        serve(host="192.168.1.20", port=1)
    assert "192.168.1.20" in lan_hosts("192.168.1.20", ["review.office.lan"])
    assert "review.office.lan" in lan_hosts("0.0.0.0", ["review.office.lan"])
