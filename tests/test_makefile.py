"""`make run` serves where mail links point (PORT, HOST, PORTAL_BASE_URL), and set-up neither races another
apt for its lock nor goes on silently without a CJK font. Make runs with -n or with stand-in commands: nothing is
installed or served."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)



@pytest.fixture(autouse=True)
def _make_installed():
    """make is what the README's two commands run: its absence is a failure, not a skip."""
    assert shutil.which("make"), "make is required (the README's `make run` / `make test`)"


def make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"PORTAL_BASE_URL", "MAKEFLAGS", "MAKELEVEL"}}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env={**environment, **(env or {})},
                          capture_output=True, text=True, timeout=120)


def _serve_line(result: subprocess.CompletedProcess) -> str:
    [line] = [line for line in result.stdout.splitlines() if "manage.py runserver" in line]
    return line


def test_make_run_port_sets_the_portal_base_url_for_mail_links():
    line = _serve_line(make("-n", "run", "PORT=8300"))
    assert line.startswith("PORTAL_BASE_URL=http://127.0.0.1:8300 ") and line.endswith("runserver 127.0.0.1:8300")
    line = _serve_line(make("-n", "run", "HOST=192.168.1.20", "PORT=8300"))
    assert line.startswith("PORTAL_BASE_URL=http://192.168.1.20:8300 ")
    assert _serve_line(make("-n", "run")).startswith("PORTAL_BASE_URL=http://127.0.0.1:8000 ")


def test_make_run_keeps_a_portal_base_url_the_user_set():
    line = _serve_line(make("-n", "run", "PORT=8300", env={"PORTAL_BASE_URL": "https://grants.example.cn"}))
    assert line.startswith("PORTAL_BASE_URL=https://grants.example.cn ") and line.endswith("127.0.0.1:8300")


def test_make_run_renders_again_pdfs_made_without_a_cjk_font():
    lines = make("-n", "run").stdout.splitlines()
    rerender = next(i for i, line in enumerate(lines) if "manage.py rerender_pdfs" in line)
    assert rerender < next(i for i, line in enumerate(lines) if "manage.py runserver" in line)


def test_readme_mentions_port():
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=" in readme and "PORTAL_BASE_URL" in readme


@pytest.fixture
def stand_ins(tmp_path):
    """apt-get held by another process (exits 100 like apt on a held lock, noting its arguments), no CJK font
    known to fontconfig, running as root."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-calls"
    scripts = {
        "apt-get": f'echo "$@" >> {calls}\necho "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2\nexit 100',
        "fc-list": "exit 0",
        "id": 'if [ "$1" = "-u" ]; then echo 0; else exec /usr/bin/id "$@"; fi',
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}, calls


def test_fonts_waits_for_the_apt_lock_then_stops_with_a_clear_error(stand_ins):
    env, calls = stand_ins
    result = make("fonts", env=env)
    assert result.returncode != 0
    assert "ERROR: no CJK font could be installed" in result.stdout and "NO_CJK_FONT=1" in result.stdout
    apt_calls = calls.read_text().splitlines()
    assert apt_calls and all("-o DPkg::Lock::Timeout=300" in call for call in apt_calls)
    assert any("install" in call and "fonts-wqy-microhei" in call for call in apt_calls)


def test_fonts_goes_on_without_a_cjk_font_only_when_asked(stand_ins):
    env, _calls = stand_ins
    result = make("fonts", "NO_CJK_FONT=1", env=env)
    assert result.returncode == 0 and "ERROR: no CJK font could be installed" in result.stdout
