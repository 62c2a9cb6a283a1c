"""/healthz: one word per check (database, Redis, storage, Celery worker), 200 when all are healthy and 503 when
one is not; no sign-in, no session, no private data. And the logs: one JSON object per line in production."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from core.jsonlog import JsonFormatter

pytestmark = pytest.mark.django_db
HEALTHZ = "/healthz"


def test_healthz_is_the_load_balancers_address():
    assert reverse("healthz") == HEALTHZ


def test_healthz_all_reachable_with_a_worker(client, celery_worker_thread):
    response = client.get(HEALTHZ)
    assert response.status_code == 200, response.content
    answer = response.json()
    expected_celery = "eager" if celery_worker_thread is None else "ok"
    expected_redis = "ok" if django_settings.REDIS_URL else "not configured"
    assert answer == {"status": "ok", "checks": {"database": "ok", "redis": expected_redis, "storage": "ok",
                                                 "celery": expected_celery}}
    # Nothing private: no host, database or bucket names, no cookie, no cached copy.
    body = response.content.decode()
    for secret in filter(None, (django_settings.DATABASES["default"].get("NAME"), django_settings.REDIS_URL,
                                str(django_settings.MEDIA_ROOT))):
        assert str(secret) not in body
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_healthz_no_worker_is_503(client, settings):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no broker configured: tasks run in the web process, there is no worker to miss")
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["checks"]["celery"] == "error" and response.json()["status"] == "error"


def test_healthz_redis_unreachable_is_503(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "error", "storage": "ok", "celery": "eager"}


def test_healthz_storage_unwritable_is_503(client, settings, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    settings.MEDIA_ROOT = blocked
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(HEALTHZ)
    assert response.status_code == 503 and response.json()["checks"]["storage"] == "error"
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_leaves_no_file_behind(client, settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.get(HEALTHZ)
    assert not [path for path in Path(django_settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_healthz_open_to_anyone_even_half_signed_in_staff(client, officer, settings):
    """No sign-in needed, and the two-factor step does not stand in the way of a probe."""
    settings.REQUIRE_STAFF_2FA = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(officer)
    assert client.get(reverse("notifications:inbox")).status_code == 302
    response = client.get(HEALTHZ)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_healthz_get_only(client):
    assert client.post(HEALTHZ).status_code == 405


def test_json_log_record_is_one_json_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.ops.jsonlog")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("第一行\nsecond line")
        except ValueError:
            logger.error("申请 %s 失败\n(two lines)", 42, exc_info=True, extra={"application": 42, "amount": 1.5})
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "ERROR" and entry["logger"] == "tests.ops.jsonlog"
    assert entry["message"] == "申请 42 失败\n(two lines)"
    assert "ValueError: 第一行" in entry["exception"]
    assert entry["application"] == 42 and entry["amount"] == 1.5
    assert entry["time"].endswith("+00:00")


def test_json_logs_in_the_production_profile(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
    env.update(IPGRANTS_PROFILE="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="grants.example.org")
    script = "import logging; logging.getLogger('ipgrants.test').warning('问题 %s', 'x', extra={'job': 7})"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=django_settings.BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120)
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "问题 x" and entry["level"] == "WARNING" and entry["job"] == 7


def test_healthz_answers_plain_http_when_https_is_enforced(client, settings):
    """A load balancer probes over plain http: the https redirect leaves /healthz alone, and only it."""
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert client.get(HEALTHZ).status_code == 200
    assert client.get(reverse("programs:catalogue")).status_code == 301
