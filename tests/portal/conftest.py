import pytest
from django.db import connection


@pytest.fixture
def unreachable_database(transactional_db):
    """The default database pointed at a closed port until the test ends (PostgreSQL only).

    A real refused connection, not a mock: every query of the request fails as it would while
    PostgreSQL restarts. SQLite's in-memory test database cannot be closed and reopened.
    """
    if connection.vendor != "postgresql":
        pytest.skip("An unreachable database needs PostgreSQL (DATABASE_URL).")
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    yield
    connection.close()
    connection.settings_dict.update(saved)
