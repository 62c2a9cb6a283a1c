"""Tiny helpers that read settings from the environment and fail loudly on bad values."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def redis_url_for_test_worker(url: str, worker: str) -> str:
    """The Redis URL a pytest-xdist worker (``gw0``, ``gw1``…) uses: database 1 + its number past the configured one,
    so one worker's Celery never takes another's messages and runs them against the wrong test database."""
    if not url or not worker.startswith("gw"):
        return url
    base, _, db = url.rstrip("/").rpartition("/")
    if not db.isdigit() or base.endswith(":/"):
        base, db = url.rstrip("/"), "0"
    return f"{base}/{int(db) + 1 + int(worker[2:])}"
