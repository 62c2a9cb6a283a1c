import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import Role

from .factories import UserFactory

ROOT = Path(settings.BASE_DIR)
GUIDE_FILES = sorted(
    p for p in (ROOT / "fixtures").glob("*.yaml")
    if p.name not in {"regions.yaml", "offices.yaml", "portal-rubric.yaml"}
)
FIXTURES = [str(ROOT / "fixtures" / name) for name in ("regions.yaml", "offices.yaml", "portal-rubric.yaml")] + [
    str(p) for p in GUIDE_FILES
]


def load_guides() -> None:
    call_command("loaddata", *FIXTURES, verbosity=0)


# The rows load_guides() made at the start of the session, as plain JSON: a transactional test (live server,
# Celery worker) gets them back after each flush three times faster than through the guide loader.
_session_rows: dict[str, object] = {}


def _capture_guides() -> None:
    from django.apps import apps
    from django.core import serializers

    def counts() -> dict:
        return {model: model._default_manager.count() for model in apps.get_models()}

    before = counts()
    load_guides()
    made = [model for model, count in counts().items() if count != before[model]]
    _session_rows["models"] = made
    _session_rows["json"] = serializers.serialize(
        "json", [row for model in made for row in model._default_manager.order_by("pk")])


def restore_guides() -> None:
    """The session's guide rows again (after a flush), foreign keys checked at the end, sequences moved past them."""
    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import connection, transaction

    if "json" not in _session_rows:
        load_guides()
        return
    with transaction.atomic(), connection.constraint_checks_disabled():
        for row in serializers.deserialize("json", _session_rows["json"]):
            row.save()
        connection.check_constraints(table_names=[m._meta.db_table for m in _session_rows["models"]])
        statements = connection.ops.sequence_reset_sql(no_style(), _session_rows["models"])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the regions, the portal rubric and all five guides once for the session."""
    with django_db_blocker.unblock():
        _capture_guides()
    yield
    # Threads (the live server, the Celery worker) may leave a connection open; end them so the
    # test database can be dropped.
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture
def guides_loaded(transactional_db):
    """For transactional tests (live server, Celery worker): the guides are there (each such test's flush is
    followed by ``restore_guides``, see ``pytest_runtest_teardown``); checked, should a flush have failed midway."""
    from programs.models import Program

    if not Program.objects.exists():
        restore_guides()


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or any(
        name in item.fixturenames for name in ("transactional_db", "live_server"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush that removes the session's guide rows: put them back at once, so the
    next test on this worker finds them whatever it is (pytest-xdist's work stealing may hand a worker a plain
    test after a transactional one, which then found no guide)."""
    yield
    if _transactional(item) and nextitem is not None:  # after the last test the test database is gone
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_guides()


@pytest.fixture(autouse=True)
def _fast_and_private(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        # STORAGE_URL in the environment never sends test files to a real bucket; tests/storage make their own.
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    # Queued work runs in the caller unless a test takes the background thread itself (see core.background).
    settings.BACKGROUND_TASKS_INLINE = True


@pytest.fixture(autouse=True)
def _clock_from_environment():
    """IPGRANTS_TEST_CLOCK=2026-12-01T20:30:00+00:00 runs every test with the clock starting there (ticking), to
    show that no test depends on the hour (UTC and the office's date differ from 16:00 to 24:00 UTC)."""
    start = os.environ.get("IPGRANTS_TEST_CLOCK")
    if not start:
        yield
        return
    import time_machine

    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture
def applicant(db):
    return UserFactory(role=Role.APPLICANT, username="applicant_a")


@pytest.fixture
def other_applicant(db):
    return UserFactory(role=Role.APPLICANT, username="applicant_b")


@pytest.fixture
def reviewer(db):
    return UserFactory(role=Role.REVIEWER, username="reviewer_r")


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.OFFICER, username="officer_o")


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ADMIN, username="admin_x", is_staff=True, is_superuser=True)


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def services_required():
    """In CI (IPGRANTS_REQUIRE_SERVICES=1) the suite must run on PostgreSQL with a Redis broker."""
    return os.environ.get("IPGRANTS_REQUIRE_SERVICES") == "1"


def _broker_app(settings):
    import redis

    from ipgrants.celery import app

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")  # messages left by earlier tests
    app.loader.import_default_modules()
    return app


@pytest.fixture
def celery_worker_thread(transactional_db, settings):
    """A real Celery worker (in a thread) on the configured broker; nothing to start when tasks run eagerly."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    app = _broker_app(settings)
    with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def two_celery_workers(transactional_db, settings):
    """Two real Celery workers (each a thread with its own broker connection, taking one message at a time) on the
    configured broker, as two worker machines would be; None when tasks run eagerly. Leaving the block stops both
    (Celery's shutdown flag is process-wide).

    Each drains its own connection (``use_eventloop=False``): kombu's event loop is one per process, and two worker
    threads polling it at once read each other's replies from Redis and crash."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    app = _broker_app(settings)
    options = {"perform_ping_check": False, "pool": "solo", "concurrency": 1, "shutdown_timeout": 30,
               "prefetch_multiplier": 1, "use_eventloop": False}
    with start_worker(app, hostname="first@ipgrants-test", **options) as first, \
            start_worker(app, hostname="second@ipgrants-test", **options) as second:
        yield first, second


@pytest.fixture
def inline_tasks(settings):
    """Queued work (mail, PDF) runs in the test's own thread after commit, even where a broker is configured:
    for unit tests that read its result inside the test transaction. The broker itself is exercised by the
    tests that take ``celery_worker_thread``."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
