"""The stateful tests run on the same backends as tests/core: SQLite and a throwaway PostgreSQL."""
from tests.core.conftest import postgres_url, store_url  # noqa: F401  (fixtures, re-exported)
