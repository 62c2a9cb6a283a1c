"""Work queued by name. A service says which task (``"app.task_name"``) to run with which ids, after its
transaction commits, and never imports the task: ``tasks.py`` imports the services and renderers it calls, so
tasks point one way (ARCHITECTURE.md). Where it runs is ``background.run_later``'s choice: on the broker when
there is one, else on the background thread, or in the caller with ``BACKGROUND_TASKS_INLINE``."""

from __future__ import annotations

from celery import current_app
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from .background import run_later


def task_named(name: str):
    """The Celery task registered as ``name``; every installed app's ``tasks`` module is imported on first need (as
    a worker does at start). An unknown name raises KeyError, in the service that asked."""
    if name not in current_app.tasks:
        autodiscover_modules("tasks")
    return current_app.tasks[name]


def queue(name: str, *, robust: bool = False, **kwargs) -> None:
    """Run the task ``name`` with keyword ``kwargs`` (ids) once the current transaction commits. ``robust``: an
    error while queueing (a broker that is down) is logged instead of failing the request that already committed."""
    task = task_named(name)
    transaction.on_commit(lambda: run_later(task, **kwargs), robust=robust)
