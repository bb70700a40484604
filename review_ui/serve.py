"""Run the reviewers' app: `dossier serve` calls serve()."""
from __future__ import annotations

import ipaddress
import socket

import uvicorn

from core.accounts import Accounts
from core.store import Store
from review_ui.app import create_app
from review_ui.security import configured_hosts


class ServeRefused(RuntimeError):
    """The app will not start as asked; the message says what to do."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def lan_hosts(host: str, allowed_hosts: list[str]) -> list[str]:
    """Host names the app answers: loopback, the configured ones, and the bound address and
    this machine's name when serving the LAN."""
    extra = list(allowed_hosts)
    if not is_loopback(host):
        if host not in ("0.0.0.0", "::"):
            extra.append(host)
        extra += [socket.gethostname(), socket.getfqdn()]
    return configured_hosts(extra)


def serve(host: str = "127.0.0.1", port: int = 8000, allowed_hosts: list[str] | None = None) -> None:
    store = Store()
    accounts = Accounts(store)
    # Beyond this machine, only with someone able to manage the accounts that let people in.
    if not is_loopback(host) and not accounts.has_admin():
        raise ServeRefused(
            f"不在本机以外提供服务：尚无管理员账户 — refusing to serve on {host}: there is no admin account yet. "
            "Create one first: dossier users add NAME --role admin"
        )
    app = create_app(store, accounts=accounts, allowed_hosts=lan_hosts(host, allowed_hosts or []))
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
