"""Deployment defaults: nothing insecure or guessable by default; the Content-Security-Policy is sent."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def run_settings(tmp_path, code: str, **env_vars) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "ALLOWED_HOSTS", "HTTPS", "DATABASE_URL"}}
    env.update(IPGRANTS_PROFILE="production", SECRET_KEY="s" * 60, SQLITE_PATH=str(tmp_path / "db.sqlite3"),
               DJANGO_SETTINGS_MODULE="ipgrants.settings", **env_vars)
    script = f"import django; django.setup(); from django.conf import settings; {code}"
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_settings_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run_settings(tmp_path, "print(settings.ALLOWED_HOSTS)")
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


def test_settings_production_over_plain_http_sets_no_secure_cookies(tmp_path):
    code = "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)"
    plain = run_settings(tmp_path, code, ALLOWED_HOSTS="localhost", HTTPS="false")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == ["False", "False", "False"]
    https = run_settings(tmp_path, code, ALLOWED_HOSTS="grants.example.org")
    assert https.stdout.split() == ["True", "True", "True"]


def compose_environment() -> tuple[dict, dict]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return compose["x-app"]["environment"], compose["services"]["db"]["environment"]


def test_compose_has_no_default_password_or_hosts():
    app, db = compose_environment()
    for value in (app["ALLOWED_HOSTS"], app["DATABASE_URL"], db["POSTGRES_PASSWORD"], app["SECRET_KEY"]):
        assert ":-" not in value and ":?" in value  # docker-compose refuses to start until it is set
    assert "ipgrants@db" not in app["DATABASE_URL"] and "ipgrants:ipgrants" not in app["DATABASE_URL"]


def compose_default(value: str) -> str:
    """The value compose uses when the variable is not set: ``${HTTPS:-true}`` → ``true``."""
    match = re.fullmatch(r"\$\{\w+:-([^}]*)\}", value)
    assert match, f"{value} has no default"
    return match.group(1)


def test_compose_defaults_to_https_and_passes_the_deploy_check(tmp_path):
    """Compose's default is the secure one (secure cookies, HSTS, https redirect): `manage.py check --deploy` finds
    nothing with the defaults; a plain-http trial sets HTTPS=false on purpose (README, Docker)."""
    app, _db = compose_environment()
    assert compose_default(app["HTTPS"]) == "true"
    assert not any(key.endswith("COOKIE_SECURE") for key in app)
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "ALLOWED_HOSTS", "HTTPS", "DATABASE_URL"}}
    env.update(IPGRANTS_PROFILE=app["IPGRANTS_PROFILE"], HTTPS=compose_default(app["HTTPS"]),
               CSRF_TRUSTED_ORIGINS=compose_default(app["CSRF_TRUSTED_ORIGINS"]), ALLOWED_HOSTS="grants.example.org",
               SECRET_KEY="k3y-" + "x9Q" * 20, SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get(reverse("programs:catalogue"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_templates_hold_no_inline_script_style_or_handler():
    """The policy allows no inline code: every script and style lives in static/ (the PDF template is
    rendered by WeasyPrint, not by a browser)."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if path.name == "pdf.html" or path.name.endswith("_pdf.html") or path.name == "_pdf_style.html":
            continue  # PDFs: rendered by WeasyPrint
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", text) or "<style" in text \
                or re.search(r'\sstyle="', text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(path.name)
    assert not offenders
