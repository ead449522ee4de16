"""Helpers for tests that start real processes (a worker, `doithoai serve`) on the test database."""

from urllib.parse import quote

from django.db import connection


def database_url() -> str:
    """DATABASE_URL of the test database, for a child process to use the same one."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"]) + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
