"""Databases of their own for the processes a test starts (Celery workers, drivers, `manage.py shell`).

When the test run's DATABASE_URL names PostgreSQL (`make test`'s second pass, scripts/with_postgres.py), such a
test gets a database of its own on that server, made with CREATE DATABASE (from a migrated template when many
tests need the same start) and dropped afterwards. Otherwise they share a SQLite file, as they always did.
"""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


def postgres_server_url() -> str | None:
    """The run's PostgreSQL DATABASE_URL, or None when the run is on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in POSTGRES_SCHEMES else None


def postgres_database_create(*, server_url: str, prefix: str, template_url: str | None = None) -> str:
    """A new, uniquely named database on the server (a copy of the template's when given); returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template_url is not None:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(_database_name(template_url)))
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(statement)
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres_database_drop(*, server_url: str, url: str) -> None:
    """Drop the database, ending what is still connected to it (a worker that did not stop in time)."""
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_database_name(url)))
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(statement)


def postgres_rows(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url) as connection:
        return connection.execute(query).fetchall()


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")
