"""What ``/healthz`` checks: the database, Redis, the file storage and a Celery worker, each answered with a
word (``ok``, ``error``, or why it was not asked), never with an address, a name or an error text (the answer is
public; the cause goes to the log)."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections

from core.storage import storage_ok

logger = logging.getLogger(__name__)

OK, ERROR, NOT_CONFIGURED, EAGER = "ok", "error", "not configured", "eager"
# Answers that mean "nothing to worry about": no Redis configured, tasks run in the web process.
HEALTHY = {OK, NOT_CONFIGURED, EAGER}
TIMEOUT_SECONDS = 1.0


def check_database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def _redis_url() -> str:
    if settings.REDIS_URL:
        return settings.REDIS_URL
    broker = settings.CELERY_BROKER_URL or ""
    return broker if broker.startswith(("redis://", "rediss://")) else ""


def check_redis() -> str:
    url = _redis_url()
    if not url:
        return NOT_CONFIGURED
    import redis

    client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()
    return OK


# Where the probe's file lives for a moment (a backup's manifest leaves this folder out).
PROBE_DIRECTORY = "healthz"


def _write_and_delete() -> bool:
    """A tiny file written, read back and deleted through the storage API (the local disk or a bucket alike)."""
    name = default_storage.save(f"{PROBE_DIRECTORY}/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read() == b"ok"
    finally:
        default_storage.delete(name)


def check_storage() -> str:
    """``core.storage.storage_ok()`` first (one try with a short timeout, so a silent bucket answers quickly),
    then a file written, read back and deleted through the storage API."""
    return OK if storage_ok() and _write_and_delete() else ERROR


def check_celery() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return EAGER
    from celery import current_app

    replies = current_app.control.ping(timeout=TIMEOUT_SECONDS)
    return OK if replies else ERROR


CHECKS = {"database": check_database, "redis": check_redis, "storage": check_storage, "celery": check_celery}


def health() -> tuple[bool, dict[str, str]]:
    """Every check's word, and whether all of them are healthy. A check that raises is an error (logged)."""
    answers = {}
    for name, check in CHECKS.items():
        try:
            answers[name] = check()
        except Exception:
            logger.warning("health check %s failed", name, exc_info=True)
            answers[name] = ERROR
    return all(answer in HEALTHY for answer in answers.values()), answers
