"""Reading on a Dask cluster (prefect-dask) gives the same dossier as the process pool."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.cluster.dossiers import make_text_dossier


@pytest.mark.slow
def test_intake_reads_on_a_local_dask_cluster(tmp_path, monkeypatch, prefect_api):
    pytest.importorskip("prefect_dask")
    from flows.cli import app

    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    folder = make_text_dossier(tmp_path / "丙公司")
    runner = CliRunner()
    dask = runner.invoke(app, ["intake", str(folder), "--json", "--task-runner", "dask", "--workers", "2"])
    assert dask.exit_code == 0, dask.output
    (report,) = json.loads(dask.stdout)
    assert [f["status"] for f in report["files"]] == ["ok", "ok"]
    assert {f["doc_type"] for f in report["files"]} == {"standard_notice", "contract"}

    again = runner.invoke(app, ["intake", str(folder), "--json"])
    assert again.exit_code == 0, again.output
    (plain,) = json.loads(again.stdout)
    assert plain["dossier_id"] == report["dossier_id"] and plain["total"] == report["total"]


def test_an_unknown_task_runner_is_refused():
    from flows.pipeline import task_runner

    with pytest.raises(ValueError, match="process or dask"):
        task_runner(2, "threads")
