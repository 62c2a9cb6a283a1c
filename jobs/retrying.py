"""Background work that meets a passing error (``TRANSIENT``: the database went away, a lock timed out) is tried
again a few times, each pause longer than the last; only the last try marks it failed. One shape for the jobs
(``run_job``) and for the generated PDFs that keep their own status (the application book, the reviewer's PDF,
the approval notice, the task book, the acceptance conclusion).

    @shared_task(name="milestones.generate_task_book", bind=True, **RETRYING)
    def generate_task_book(self, *, project_id):
        run_with_retries(self, task_book_render, project_id=project_id)

``work(final=..., **kwargs)`` re-raises a passing error unless ``final``; a PDF's render wraps its making in
``pdf_attempt`` which marks the row running, then queued again (a later try follows) or failed (the last try,
or any other error: the page then shows the message and "try again").
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

from .services import TRANSIENT

logger = logging.getLogger(__name__)

# Celery options of a task that tries a passing error again: three more tries, after 5, 10 and 15 seconds.
RETRYING = {"max_retries": 3, "default_retry_delay": 5, "ignore_result": True}

# A generated PDF's own status values (the same strings on every model that keeps one).
PENDING, RUNNING, READY, FAILED = "pending", "running", "ready", "failed"


def final_attempt(task) -> bool:
    """The last try: called directly (the background thread has no later try) or out of retries."""
    return bool(task.request.called_directly or task.request.retries >= task.max_retries)


def run_with_retries(task, work: Callable, **kwargs) -> None:
    final = final_attempt(task)
    try:
        work(final=final, **kwargs)
    except TRANSIENT as exc:
        if final:
            raise
        raise task.retry(exc=exc, countdown=task.default_retry_delay * (task.request.retries + 1)) from exc


def _mark(rows: QuerySet, field: str, value: str) -> None:
    try:
        rows.update(**{field: value})
    except TRANSIENT:  # the connection that failed the render is gone: one fresh connection, one more try
        connections[rows.db].close()
        rows.update(**{field: value})


def pdf_attempt(*, rows: QuerySet, field: str, final: bool, make: Callable[[], None]) -> None:
    """Make a PDF whose status is ``field`` on ``rows`` (the one row it belongs to): queued → running while it
    is made; ``make()`` stores it and marks it ready. A passing error before the last try queues it again and
    re-raises (the task tries again); any other error, or the last try, marks it failed and re-raises."""
    from .pdf_fonts import glyph_watch, note_render

    rows.filter(**{field: PENDING}).update(**{field: RUNNING})
    try:
        with glyph_watch() as watch:  # Chinese drawn as boxes (no CJK font) is recorded, to render it again
            make()
    except TRANSIENT:
        _mark(rows, field, FAILED if final else PENDING)
        if final:
            logger.exception("%s: a passing error on the last try", rows.model.__name__)
        raise
    except Exception:
        _mark(rows, field, FAILED)
        raise
    note_render(rows=rows, field=field, watch=watch)
