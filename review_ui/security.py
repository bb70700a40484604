"""The app's outer walls: trusted Host names, security headers, the login page.

Host names are checked before anything else (a DNS-rebinding page reaches the app under
its own name and is refused). Every answer forbids framing, sniffing and sending the
address on; scripts and styles only from the app itself (style attributes are allowed:
the boxes over a page are placed with them).
"""
from __future__ import annotations

import hmac
import os
import secrets
from typing import Callable

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.middleware.trustedhost import TrustedHostMiddleware

from core.accounts import LoginLocked
from review_ui.auth import COOKIE, LOGIN_COOKIE, Guard, same_origin

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]
HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
     b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def configured_hosts(extra: list[str] | None = None) -> list[str]:
    env = [h.strip() for h in os.environ.get("DOSSIER_ALLOWED_HOSTS", "").split(",") if h.strip()]
    return list(dict.fromkeys([*LOOPBACK_HOSTS, *env, *(extra or [])]))


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


MAX_BODY = 1 << 20  # 1 MiB: a correction is a value, a decision a comment


class BodyLimit:
    """Refuse (413) a request body past MAX_BODY, declared or streamed, before it is parsed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > MAX_BODY:
            return await _too_large(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await _too_large(send)


class BodyTooLarge(Exception):
    pass


async def _too_large(send) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), *HEADERS]})
    await send({"type": "http.response.body", "body": b'{"detail": "request body too large (1 MiB at most)"}'})


def add_security(app: FastAPI, allowed_hosts: list[str] | None) -> None:
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    # added last, so it runs first: a bad Host gets 400 before any other work
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=configured_hosts(allowed_hosts))


def _safe_next(target: str) -> str:
    # Only a path on this site: "//evil" or "https://evil" would leave it.
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def login_routes(guard: Guard, render: Callable[..., Response]) -> APIRouter:
    router = APIRouter()
    signer = guard.signer

    def login_page(request: Request, next_: str, error: str | None = None, status: int = 200) -> Response:
        nonce = secrets.token_urlsafe(24)
        response = render(request, "login.html", status, next=_safe_next(next_), error=error,
                          login_token=signer.mac("login", nonce))
        response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="strict", path="/login")
        return response

    @router.get("/login")
    def get_login(request: Request, next: str = "/"):
        return login_page(request, next)

    @router.post("/login")
    def post_login(request: Request, name: str = Form("", max_length=64), password: str = Form("", max_length=1024),
                   login_token: str = Form("", max_length=128), next: str = Form("/", max_length=2000)):
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        if not same_origin(request) or not nonce or not hmac.compare_digest(login_token, signer.mac("login", nonce)):
            return login_page(request, next, "请求来源无效，请重试 — the login form expired or came from elsewhere; try again", 403)
        try:
            account = guard.accounts.login(name.strip(), password, request.client.host if request.client else "?")
        except LoginLocked as locked:
            response = login_page(request, next, str(locked), 429)
            response.headers["Retry-After"] = str(locked.retry_after())
            return response
        if account is None:
            return login_page(request, next, "用户名或密码错误 — wrong name or password, or the account is disabled", 401)
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(COOKIE, signer.sign(guard.accounts.start_session(account)), httponly=True,
                            samesite="strict", secure=request.url.scheme == "https", path="/")
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    @router.post("/logout")
    def logout(request: Request):
        if request.state.session:
            guard.accounts.end_session(request.state.session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    return router

