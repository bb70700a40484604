"""The review app on PostgreSQL: corrections arriving together, checked, logged in one
transaction, rebuilt and assessed once, and the page showing them (the rest of
tests/review_ui runs on SQLite)."""
from __future__ import annotations

import pytest

from tests.core.conftest import postgres_url, store_url  # noqa: F401 - the throwaway PostgreSQL server
from tests.review_ui import test_concurrent


@pytest.fixture
def sample(store_url, tmp_path, monkeypatch):  # noqa: F811
    from tests.review_ui.conftest import build_sample

    monkeypatch.setenv("DATABASE_URL", store_url)
    built = build_sample(tmp_path / "home")
    assert built.store.engine.dialect.name == "postgresql"
    yield built
    built.store.engine.dispose()


ON_POSTGRESQL = pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)


@ON_POSTGRESQL
def test_corrections_arriving_together_on_postgresql(app, sample, store_url):  # noqa: F811
    test_concurrent.test_corrections_arriving_together_are_each_logged_and_assessed_once(app, sample)


@ON_POSTGRESQL
def test_the_page_after_a_correction_on_postgresql(client, approver, sample, store_url):  # noqa: F811
    test_concurrent.test_a_page_shows_the_claims_as_they_are_now(client, approver, sample)
