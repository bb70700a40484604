"""A run that could not process a dossier ends non-zero, so an operator's script sees it."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from flows.recovery import is_transient
from tests.cluster.dossiers import make_text_dossier


def test_intake_with_an_unusable_archive_exits_non_zero(tmp_path, monkeypatch, prefect_api):
    from flows.cli import app

    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DOSSIER_ARCHIVE_URL", "file:///dev/null/archive")  # cannot be created
    folder = make_text_dossier(tmp_path / "乙公司")
    result = CliRunner().invoke(app, ["intake", str(folder), "--json"])
    assert result.exit_code == 1, result.output
    (report,) = json.loads(result.stdout)
    assert report["error"] and report["dossier_id"] is None


def test_only_transient_errors_are_retried():
    import sqlalchemy.exc

    assert is_transient(ConnectionRefusedError())
    assert is_transient(sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    try:
        try:
            raise TimeoutError("read timed out")
        except TimeoutError as inner:
            raise RuntimeError("archive fetch failed") from inner
    except RuntimeError as outer:
        assert is_transient(outer)
    assert not is_transient(ValueError("not a pdf"))
    assert not is_transient(NotADirectoryError("/dev/null/archive"))
    assert not is_transient(None)
