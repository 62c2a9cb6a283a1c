"""Work that must not hold up a request (the application PDF): on Celery when a broker is configured, else on
one background thread in this process. Either way the request only queues it, and the page polls its status.

One worker thread renders one job at a time, so the embedded default (SQLite) never has two background
writers, and a graceful shutdown finishes queued jobs (the pool's threads are joined at exit).
``BACKGROUND_TASKS_INLINE = True`` runs jobs in the caller instead (the test suite's default, where on-commit
callbacks run inside the test's transaction); tests of the thread itself use ``held()`` and ``wait()``.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_pending: set[Future] = set()
_open = threading.Event()
_open.set()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ipgrants-background")
        return _executor


def _run(task, kwargs: dict) -> None:
    _open.wait()
    try:
        task(**kwargs)  # a Celery task called directly runs here, in this thread
    except Exception:
        logger.exception("background task %s failed", getattr(task, "name", task))
    finally:
        connections.close_all()  # this thread's connections; the pool thread outlives the job


def run_later(task, **kwargs) -> None:
    """Queue ``task(**kwargs)``: on the broker if there is one, else on the background thread."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        task.delay(**kwargs)
        return
    if getattr(settings, "BACKGROUND_TASKS_INLINE", False):
        task(**kwargs)
        return
    future = _pool().submit(_run, task, kwargs)
    with _lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future) -> None:
    with _lock:
        _pending.discard(future)


def wait(timeout: float = 60) -> bool:
    """Wait until every queued background job has finished, including jobs those jobs queue (a rendered task book
    queues its notice's email); False if some are still running after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            pending = list(_pending)
        if not pending:
            return True
        _done, not_done = wait_futures(pending, timeout=max(0.0, deadline - time.monotonic()))
        if not_done:
            return False


@contextmanager
def held():
    """Queued jobs wait until the block ends (for tests that look at a request before its job runs)."""
    _open.clear()
    try:
        yield
    finally:
        _open.set()
