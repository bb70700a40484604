"""`dossier users …` and `dossier serve` beyond loopback, through the real CLI."""
from __future__ import annotations

from typer.testing import CliRunner

from core.accounts import Accounts
from core.store import Store
from flows.cli import app

PW = "a long enough password"


def test_users_commands(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    run = CliRunner().invoke
    refused = run(app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert refused.exit_code == 2 and "no admin account" in refused.output.replace("\n", " ")

    assert run(app, ["users", "add", "wang", "--role", "admin", "--password-stdin"], input=PW + "\n").exit_code == 0
    short = run(app, ["users", "add", "li", "--role", "approver", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "10 to 1024" in short.output.replace("\n", " ")
    prompted = run(app, ["users", "add", "li", "--role", "approver"], input=f"{PW}\n{PW}\n")
    assert prompted.exit_code == 0, prompted.output
    assert run(app, ["users", "add", "li"], input=f"{PW}\n{PW}\n").exit_code == 1  # taken
    accounts = Accounts(Store())
    assert [(a.name, a.role.value) for a in accounts.users()] == [("li", "approver"), ("wang", "admin")]

    assert run(app, ["users", "passwd", "li", "--password-stdin"], input="another long password\n").exit_code == 0
    assert accounts.authenticate("li", "another long password") and not accounts.authenticate("li", PW)
    token = run(app, ["users", "token", "li"]).output.strip()
    assert token.startswith("dsr_") and accounts.token_account(token).name == "li"
    assert run(app, ["users", "disable", "li"]).exit_code == 0
    assert accounts.token_account(token) is None and "disabled" in run(app, ["users", "list"]).output
    assert run(app, ["users", "disable", "nobody"]).exit_code == 1
