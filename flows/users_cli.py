"""`dossier users …`: the office's accounts (core/accounts.py)."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table

users_app = typer.Typer(help="Reviewers' accounts: add, passwd, disable, unlock, token, list.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@contextmanager
def _accounts():
    """The accounts, imported on use: the store and argon2 cost ~0.7 CPU s to import, which
    every other `dossier` command (`dossier ocr` on one page) would pay at start-up."""
    from core.accounts import AccountError, Accounts
    from core.store import Store

    try:
        yield Accounts(Store())
    except AccountError as exc:
        _fail(exc)


def _password(stdin: bool) -> str:
    """From stdin (one line, for scripts), else asked twice without echo."""
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("密码 password", hide_input=True, confirmation_prompt=True)


def _fail(exc: Exception) -> None:
    err.print(f"[red]{exc}[/red]")
    raise typer.Exit(1)


@users_app.command("add")
def add(
    name: str,
    role: str = typer.Option("reviewer", "--role", help="reviewer corrects; approver also confirms money; admin also manages accounts"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from the first line of stdin"),
):
    """Create an account."""
    from core.accounts import Role

    if role not in Role.__members__:
        _fail(ValueError(f"--role must be one of {', '.join(Role.__members__)}, not {role!r}"))
    with _accounts() as accounts:
        account = accounts.add(name, Role(role), _password(password_stdin))
    console.print(f"added {account.name} ({account.role.value})")


@users_app.command("passwd")
def passwd(name: str, password_stdin: bool = typer.Option(False, "--password-stdin")):
    """Set a new password; the account's open sessions end."""
    with _accounts() as accounts:
        accounts.set_password(name, _password(password_stdin))
    console.print(f"password changed for {name}")


@users_app.command("disable")
def disable(name: str):
    """Disable an account: its sessions end and its API tokens stop working."""
    with _accounts() as accounts:
        accounts.disable(name)
    console.print(f"disabled {name}")


@users_app.command("unlock")
def unlock(name: str = typer.Argument("", help="the account whose failed logins are forgotten"),
           address: str = typer.Option("", "--address", help="also, or instead, a client address's failed logins")):
    """Lift a lock after too many failed logins (`passwd` lifts it too)."""
    with _accounts() as accounts:
        n = accounts.unlock(name or None, address or None)
    console.print(f"unlocked {' and '.join(x for x in (name, address) if x)} ({n} failed logins forgotten)")


@users_app.command("token")
def token(name: str, label: str = typer.Option("", help="what the token is for")):
    """Issue an API token (shown once; send it as `Authorization: Bearer …`)."""
    with _accounts() as accounts:
        raw = accounts.issue_token(name, label)
    print(raw)


@users_app.command("list")
def list_users():
    table = Table()
    for col in ("name", "role", "state"):
        table.add_column(col)
    with _accounts() as accounts:
        users = accounts.users()
    for a in users:
        table.add_row(a.name, a.role.value, "disabled" if a.disabled else "active")
    console.print(table)
