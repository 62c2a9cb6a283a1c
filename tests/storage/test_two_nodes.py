"""Several web nodes: two gunicorn processes on two ports over the same database, Redis and bucket (as two machines
behind a load balancer). A material uploaded through one is downloaded through the other, the session signed in on
one works on the other (sessions live in the database), and a PDF the Celery task renders (here eagerly, in the test
process: a worker machine) is served by both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from accounts.models import Role, User
from applications import services
from applications.models import Application, MaterialUpload, PdfStatus
from programs.models import Material, Track
from tests.applications.conftest import PDF_BYTES, make_org, open_call, valid_draft, valid_submission

from .conftest import bucket_bytes, free_port, stop, wait_for_port

PASSWORD = "two-nodes-Pa55word"
CONTENT = PDF_BYTES + "% 两个节点\n".encode()


def database_environment() -> dict[str, str]:
    """The test database, as a web node reads it from the environment."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": str(db["NAME"])}
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "DB_CONN_MAX_AGE": "0"}


@pytest.fixture
def two_nodes(guides_loaded, s3_server, s3_bucket, tmp_path):
    """Two web nodes (gunicorn, one worker each) started together; yields their base URLs."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTEST_XDIST_WORKER", "DATABASE_URL", "SQLITE_PATH", "STORAGE_URL", "REDIS_URL"}
           and not k.startswith("AWS_")}
    env.update(database_environment(), STORAGE_URL=s3_server.storage_url(s3_bucket), IPGRANTS_PROFILE="development",
               DJANGO_SETTINGS_MODULE="ipgrants.settings", PRIVATE_MEDIA_ROOT=str(tmp_path / "node-disk"))
    if django_settings.CELERY_BROKER_URL:
        env["REDIS_URL"] = django_settings.CELERY_BROKER_URL
    nodes = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = open(tmp_path / f"node-{name}.log", "wb")  # noqa: SIM115 - closed with the process below
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "ipgrants.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--timeout", "60"],
                cwd=django_settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
            nodes.append((port, process, log))
        for port, process, log in nodes:
            try:
                wait_for_port(port, process)
            except RuntimeError:
                log.flush()
                pytest.fail(Path(log.name).read_text(errors="replace")[-3000:])
        yield [f"http://127.0.0.1:{port}" for port, _process, _log in nodes]
    finally:
        for _port, process, log in nodes:
            stop(process)
            log.close()


def sign_in(browser: requests.Session, base: str, username: str) -> None:
    login = base + reverse("accounts:login")
    browser.get(login, timeout=60).raise_for_status()
    response = browser.post(login, data={"username": username, "password": PASSWORD,
                                         "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                            allow_redirects=False, timeout=60)
    assert response.status_code == 302, response.text[:500]


def test_two_web_nodes_share_uploads_sessions_and_pdfs(two_nodes, s3_server, s3_bucket, settings, inline_tasks):
    node_a, node_b = two_nodes
    applicant = User.objects.create(username="two_nodes_applicant", role=Role.APPLICANT,
                                    password=PBKDF2PasswordHasher().encode(PASSWORD, "twonodessalt"))
    track = Track.objects.select_related("program").get(program__code="nansha-2024-high-value-patent-center")
    open_call(track.program)
    material = Material.objects.create(track=track, seq=1, title="项目申报书", required=True)
    application = services.application_start(actor=applicant, track=track,
                                             organisation=make_org(applicant, name="广州南沙双节点科技有限公司"))
    services.application_save_draft(actor=applicant, application=application, data=valid_draft(track))

    browser = requests.Session()  # one browser; the load balancer sends it to either node
    sign_in(browser, node_a, applicant.username)
    materials = reverse("applications:materials", args=[application.pk])
    response = browser.post(node_a + materials, files={"file": ("申报书.pdf", CONTENT, "application/pdf")},
                            data={"material": material.pk, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                            allow_redirects=False, timeout=60)
    assert response.status_code == 302 and response.headers["Location"] == materials

    upload = MaterialUpload.objects.get(application=application)
    assert bucket_bytes(s3_server, s3_bucket, upload.file.name) == CONTENT
    download = browser.get(node_b + reverse("applications:material_download", args=[application.pk, upload.pk]),
                           allow_redirects=False, timeout=60)
    assert download.status_code == 200 and download.content == CONTENT  # node b knows the session and the file
    page = browser.get(node_b + materials, allow_redirects=False, timeout=60)
    assert page.status_code == 200 and "申报书.pdf" in page.text

    # The worker (a third machine: here the test process, running the Celery task eagerly) renders the PDF.
    services.application_submit(actor=applicant, application=application, data=valid_submission(track))
    application = Application.objects.get(pk=application.pk)
    assert application.pdf_status == PdfStatus.READY
    stored = bucket_bytes(s3_server, s3_bucket, application.pdf_file.name)
    assert stored.startswith(b"%PDF")
    for node in (node_a, node_b):
        served = browser.get(node + reverse("applications:pdf", args=[application.pk]), allow_redirects=False,
                             timeout=60)
        assert served.status_code == 200 and served.content == stored
    assert not (Path(settings.MEDIA_ROOT).exists() and any(Path(settings.MEDIA_ROOT).rglob("*.pdf")))
