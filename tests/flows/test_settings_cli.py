"""Every DOSSIER_* number a command reads is checked before the command starts anything: a
typo is one clear error naming the variable (exit 2), not a failure of each file inside the run
(DOSSIER_OCR_THREADS was read with a bare int(), a limit's typo quietly gave its default)."""
import pytest
from typer.testing import CliRunner

from flows.cli import app

DEMO = "fixtures/demo/yuezhi-2021"


@pytest.mark.parametrize(("var", "raw", "need"), [
    ("DOSSIER_OCR_THREADS", "two", "a whole number ≥ 0"),
    ("DOSSIER_OCR_THREADS", "-1", "a whole number ≥ 0"),
    ("DOSSIER_MAX_PAGES", "5OO", "a whole number ≥ 1"),
    ("DOSSIER_MAX_FILE_BYTES", "0", "a whole number ≥ 1"),
    ("DOSSIER_PREFECT_MIGRATION_SECONDS", "inf", "a number above 0"),
])
@pytest.mark.parametrize("command", [["ocr", f"{DEMO}/business_licence.jpg"], ["intake", DEMO]])
def test_a_bad_number_stops_the_command_at_once_naming_it(monkeypatch, tmp_path, var, raw, need, command):
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path))
    monkeypatch.setenv(var, raw)
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    said = " ".join(result.output.split())
    assert said.startswith(f"{var}={raw!r}: give ") and need in said
    assert not any(tmp_path.iterdir())  # nothing read, archived or set up


@pytest.mark.parametrize("command", [["users", "list"], ["serve"]])
def test_a_bad_login_limit_stops_the_commands_that_log_in(monkeypatch, tmp_path, command):
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path))
    monkeypatch.setenv("DOSSIER_LOGIN_FAILURES", "0")
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert " ".join(result.output.split()).startswith("DOSSIER_LOGIN_FAILURES='0': give the failed logins of one name that lock it as a whole number ≥ 1")
    assert not any(tmp_path.iterdir())
