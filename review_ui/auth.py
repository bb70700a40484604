"""Who is asking, and may they: sessions, API tokens, CSRF and Origin checks, roles.

Every route but the login page goes through `guard`: a browser carries a signed session
cookie (HttpOnly, SameSite=Strict), a script an `Authorization: Bearer` token. A
state-changing request from a browser must also come from this app's own origin and carry
the session's CSRF token (a form field, or the X-CSRF-Token header htmx sends).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from core import home
from core.atomic import temp_prefix
from core.accounts import Account, Accounts, Role
from core.store import Store

COOKIE = "dossier_session"
LOGIN_COOKIE = "dossier_login"  # double-submit token for the login form (no session yet)
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_PATHS = {"/login"}


class NotLoggedIn(Exception):
    """No valid session or token: pages redirect to the login page, the rest answer 401."""


def secret_key() -> bytes:
    """DOSSIER_SECRET_KEY, else a random key kept (0600) in DOSSIER_HOME, made on first use."""
    env = os.environ.get("DOSSIER_SECRET_KEY")
    if env:
        return env.encode()
    path = Path(home.home()) / "secret_key"
    if not path.exists():
        # Written whole under a temp name, then linked to its own: of apps starting at once
        # on a new home one key wins and all read that one, never a half-written (empty) file.
        tmp = path.with_name(f"{temp_prefix()}secret_key")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip().encode()


class Signer:
    def __init__(self, key: bytes):
        self.key = key

    def mac(self, purpose: str, value: str) -> str:
        return hmac.new(self.key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()

    def sign(self, value: str) -> str:
        return f"{value}.{self.mac('cookie', value)}"

    def unsign(self, signed: str | None) -> str | None:
        value, _, mac = (signed or "").rpartition(".")
        return value if value and hmac.compare_digest(mac, self.mac("cookie", value)) else None


def same_origin(request: Request) -> bool:
    """The request comes from a page of this very scheme://host:port. Under Referrer-Policy
    no-referrer a browser sends `Origin: null` and no Referer even for its own forms, so
    then the browser's Sec-Fetch-Site (which no page can set) must say same-origin."""
    here = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.lower() == here
    site = request.headers.get("sec-fetch-site")
    if site:
        return site == "same-origin"
    referer = request.headers.get("referer")
    if not referer:
        return False
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}".lower() == here


class Guard:
    def __init__(self, accounts: Accounts, signer: Signer):
        self.accounts, self.signer = accounts, signer

    def csrf_token(self, session: str) -> str:
        return self.signer.mac("csrf", session)

    def identify(self, request: Request) -> tuple[Account | None, str | None]:
        """(account, raw session id); the session id is None for a bearer token."""
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return self.accounts.token_account(auth[7:].strip()[:200]), None
        raw = self.signer.unsign(request.cookies.get(COOKIE))
        if raw is None:
            return None, None
        account = self.accounts.session_account(raw)
        return account, raw if account else None

    async def __call__(self, request: Request) -> None:
        if request.url.path in PUBLIC_PATHS:
            return
        account, session = self.identify(request)
        if account is None:
            raise NotLoggedIn()
        request.state.account, request.state.session = account, session
        if request.method in SAFE_METHODS:
            return
        # A bearer token is not sent by a browser on its own, so only cookie sessions can be forged.
        if session is None:
            if request.headers.get("origin") and not same_origin(request):
                raise HTTPException(403, "跨站请求被拒绝 — cross-origin request refused")
            return
        if not same_origin(request):
            raise HTTPException(403, "跨站请求被拒绝 — cross-origin request refused (Origin/Referer)")
        token = request.headers.get(CSRF_HEADER)
        if token is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            token = (await request.form()).get(CSRF_FIELD)
        if not isinstance(token, str) or not hmac.compare_digest(token, self.csrf_token(session)):
            raise HTTPException(403, "CSRF 校验失败 — missing or wrong CSRF token; reload the page")


class Refused(Exception):
    """The account may not do this (403); the message is shown as is."""


def account_of(request: Request) -> Account:
    return request.state.account


def require(request: Request, role: Role) -> Account:
    account = account_of(request)
    if not account.can(role):
        raise Refused(f"需要 {role.value} 角色 — this needs the {role.value} role; {account.name} is a {account.role.value}")
    return account


def confirm_refusal(account: Account | None, last_corrector: str | None, two_person: bool) -> str | None:
    """Why `account` may not confirm money (None: they may). The page shows it in place of
    the button; the server refuses with it (a page is no wall)."""
    if account is None:
        return "请先登录 — log in first"
    other = two_person and last_corrector
    if not account.can(Role.approver):
        return (f"确认须由审批人{'（' + last_corrector + ' 以外）' if other else ''} — confirming money needs an approver"
                f"{' other than ' + last_corrector if other else ''}; {account.name} is a {account.role.value}")
    if other and last_corrector == account.name:
        return (f"须由另一人确认 — needs an approver other than {account.name}, who made the last correction "
                "(two-person rule)")
    return None


def last_corrector(store: Store, dossier_id: str) -> str | None:
    corrections = store.corrections(dossier_id)
    return corrections[-1].reviewer if corrections else None


def send_back_refusal(account: Account | None, status: str) -> str | None:
    """Why `account` may not send the dossier back (None: they may). Sending back a dossier in
    review is any reviewer's; a confirmed one has its awards reversed in the ledger, which
    is money moved, so it takes an approver as confirming does."""
    if account is None:
        return "请先登录 — log in first"
    if status == "confirmed" and not account.can(Role.approver):
        return (f"退回已确认的材料会冲销其奖励，须由审批人操作 — sending back a confirmed dossier reverses its awards "
                f"and needs an approver; {account.name} is a {account.role.value}")
    return None


def may_decide(store: Store, dossier_id: str, action: str, account: Account, two_person: bool) -> None:
    """Two people: whoever confirms the money is an approver who did not make the last
    correction; whoever reverses it (sends a confirmed dossier back) is an approver."""
    if action == "confirm":
        refusal = confirm_refusal(account, last_corrector(store, dossier_id), two_person)
    elif action == "send_back":
        row = store.dossier(dossier_id)
        refusal = send_back_refusal(account, row.status if row else "")
    else:
        refusal = None  # an unknown action is refused by review.decide with its reason
    if refusal:
        raise Refused(refusal)
