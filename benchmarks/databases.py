"""The benchmarks' own PostgreSQL databases: named beside DATABASE_URL's, created if missing,
never the developer's own (the name must contain "bench")."""

import os
from urllib.parse import urlsplit


def bench_database_url(*, variable: str, name: str, option: str) -> str:
    """``variable`` if set, else the database ``name`` on DATABASE_URL's server; created."""
    base = os.environ.get("DATABASE_URL", "")
    url = os.environ.get(variable)
    if not url:
        if not base.startswith(("postgres://", "postgresql://")):
            raise SystemExit(f"{option} needs DATABASE_URL (or {variable}) to be PostgreSQL.")
        url = urlsplit(base)._replace(path=f"/{name}").geturl()
    if "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit(f"{variable} must name a database with 'bench' in it.")
    create_database(url)
    return url


def create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{database}"')
