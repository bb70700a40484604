"""`dossier users …`: the office's accounts (core/accounts.py)."""
from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

from core.accounts import AccountError, Accounts, Role
from core.store import Store

users_app = typer.Typer(help="Reviewers' accounts: add, passwd, disable, token, list.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _accounts() -> Accounts:
    return Accounts(Store())


def _password(stdin: bool) -> str:
    """From stdin (one line, for scripts), else asked twice without echo."""
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("密码 password", hide_input=True, confirmation_prompt=True)


def _fail(exc: AccountError) -> None:
    err.print(f"[red]{exc}[/red]")
    raise typer.Exit(1)


@users_app.command("add")
def add(
    name: str,
    role: Role = typer.Option(Role.reviewer, "--role", help="reviewer corrects; approver also confirms money; admin also manages accounts"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from the first line of stdin"),
):
    """Create an account."""
    try:
        account = _accounts().add(name, role, _password(password_stdin))
    except AccountError as exc:
        _fail(exc)
    console.print(f"added {account.name} ({account.role.value})")


@users_app.command("passwd")
def passwd(name: str, password_stdin: bool = typer.Option(False, "--password-stdin")):
    """Set a new password; the account's open sessions end."""
    try:
        _accounts().set_password(name, _password(password_stdin))
    except AccountError as exc:
        _fail(exc)
    console.print(f"password changed for {name}")


@users_app.command("disable")
def disable(name: str):
    """Disable an account: its sessions end and its API tokens stop working."""
    try:
        _accounts().disable(name)
    except AccountError as exc:
        _fail(exc)
    console.print(f"disabled {name}")


@users_app.command("token")
def token(name: str, label: str = typer.Option("", help="what the token is for")):
    """Issue an API token (shown once; send it as `Authorization: Bearer …`)."""
    try:
        raw = _accounts().issue_token(name, label)
    except AccountError as exc:
        _fail(exc)
    print(raw)


@users_app.command("list")
def list_users():
    table = Table()
    for col in ("name", "role", "state"):
        table.add_column(col)
    for a in _accounts().users():
        table.add_row(a.name, a.role.value, "disabled" if a.disabled else "active")
    console.print(table)
