"""uvicorn exits 3 both when its port was taken and when its app failed to start: the command
tries a few ports, then says how the server ended and what it said, not "no answer in time"
after retrying to its deadline."""
from __future__ import annotations

import time

import pytest

from flows.server import START_ATTEMPTS, _start_server

# an ASGI app whose start-up fails, as Prefect's does on a database it cannot open
FAILING = """
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "cannot open the database here"})


def create():
    return app
"""


def test_an_app_that_fails_to_start_is_an_error_with_its_exit_code_and_what_it_said(tmp_path):
    (tmp_path / "failing_app.py").write_text(FAILING)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"exit code 3\): .*cannot open the database here") as err:
        _start_server("failing_app:create", str(tmp_path))
    # a few attempts, each a uvicorn start (a second or two), well short of the start-up deadline
    assert time.monotonic() - started < 20 * START_ATTEMPTS
    assert "no answer in time" not in str(err.value)
