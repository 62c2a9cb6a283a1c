"""The database as Django sees it. SQLite accepts 32,766 parameters in one statement by default since 3.32 (the
build here 250,000; the connection reports its own), but Django 5.2 assumes the old 999 and cuts every bulk INSERT
of a ten-column row after 99 rows; on each new SQLite connection its real limit is read instead, so a bulk write is
one statement there too (PostgreSQL has no such cut)."""

from __future__ import annotations

import sqlite3


def use_sqlite_parameter_limit(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the SQLite connection's own limit on parameters per statement."""
    if connection.vendor == "sqlite":
        connection.features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
