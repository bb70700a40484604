from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def prefect_api():
    """One Prefect test server for all flow tests (each ephemeral start costs ~15 s)."""
    from core import home

    home.isolate_prefect()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
