"""Where files go is read from the environment: the local disk by default, a private bucket from STORAGE_URL or the
AWS_* names; docker-compose runs MinIO, makes the bucket and points web, worker and beat at it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ipgrants.storage_env import FILE_SYSTEM_BACKEND, S3_BACKEND, default_storage_from_env, s3_options_from_url

ROOT = Path(settings.BASE_DIR)
STORAGE_NAMES = ("STORAGE_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
                 "AWS_SECRET_ACCESS_KEY", "AWS_S3_REGION_NAME", "AWS_LOCATION")


@pytest.fixture
def clean_env(monkeypatch):
    for name in STORAGE_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_storage_settings_default_to_the_local_disk(clean_env):
    assert default_storage_from_env(presigned_seconds=60) == {"BACKEND": FILE_SYSTEM_BACKEND}


def test_storage_settings_read_storage_url(clean_env):
    clean_env.setenv("STORAGE_URL", "s3+http://minio%2Fkey:se%40cret@minio:9000/ipgrants?region=cn-south-1&prefix=files")
    storage = default_storage_from_env(presigned_seconds=60)
    assert storage["BACKEND"] == S3_BACKEND
    assert storage["OPTIONS"] | {} == {
        "bucket_name": "ipgrants", "endpoint_url": "http://minio:9000", "access_key": "minio/key",
        "secret_key": "se@cret", "region_name": "cn-south-1", "location": "files", "default_acl": None,
        "querystring_auth": True, "querystring_expire": 60, "file_overwrite": False, "signature_version": "s3v4",
        "addressing_style": "path"}
    assert s3_options_from_url("s3://k:s@/bucket")["bucket_name"] == "bucket"
    assert "endpoint_url" not in s3_options_from_url("s3://k:s@/bucket")  # AWS itself
    assert s3_options_from_url("s3://k:s@oss.example.cn/b")["endpoint_url"] == "https://oss.example.cn"


def test_storage_settings_read_the_aws_names(clean_env):
    clean_env.setenv("AWS_STORAGE_BUCKET_NAME", "grants")
    clean_env.setenv("AWS_S3_ENDPOINT_URL", "http://minio:9000")
    clean_env.setenv("AWS_ACCESS_KEY_ID", "key")
    clean_env.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    options = default_storage_from_env(presigned_seconds=30)["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["access_key"], options["secret_key"]) == (
        "grants", "http://minio:9000", "key", "secret")
    assert options["querystring_expire"] == 30 and options["default_acl"] is None


@pytest.mark.parametrize(("url", "says"), [
    ("http://k:s@minio:9000/b", "scheme must be s3://"),
    ("s3://k:s@minio:9000/", "names no bucket"),
    ("s3://k:s@minio:9000/a/b", "names no bucket"),
])
def test_storage_settings_refuse_a_bad_storage_url(clean_env, url, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        s3_options_from_url(url)


def run_settings(tmp_path, code: str, **env_vars) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in STORAGE_NAMES and k != "STORAGE_SERVE"}
    env.update(SQLITE_PATH=str(tmp_path / "db.sqlite3"), DJANGO_SETTINGS_MODULE="ipgrants.settings", **env_vars)
    script = f"import django; django.setup(); from django.conf import settings; {code}"
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_storage_settings_choose_the_bucket_and_refuse_a_bad_serve_mode(tmp_path):
    code = ("from django.core.files.storage import storages; d = storages['default']; "
            "print(type(d).__name__, d.bucket_name)")
    chosen = run_settings(tmp_path, code, STORAGE_URL="s3+http://k:s@127.0.0.1:9/files")
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.split() == ["S3Storage", "files"]
    bad = run_settings(tmp_path, "print(settings.STORAGE_SERVE)", STORAGE_SERVE="proxy")
    assert bad.returncode != 0 and "STORAGE_SERVE='proxy' must be 'stream' or 'redirect'" in bad.stderr


def test_compose_runs_minio_makes_the_bucket_and_points_every_app_service_at_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    app = compose["x-app"]["environment"]
    assert app["AWS_S3_ENDPOINT_URL"] == "http://minio:9000" and app["AWS_STORAGE_BUCKET_NAME"]
    assert ":?" in app["AWS_SECRET_ACCESS_KEY"]  # compose refuses to start until a MinIO password is chosen
    services = compose["services"]
    assert "ports" not in services["minio"]  # the bucket is reached only by the portal's own services
    assert "mc anonymous set none" in services["minio-bucket"]["entrypoint"][-1]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert services[name]["depends_on"]["minio-bucket"]["condition"] == "service_completed_successfully"


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_compose_config_is_valid(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=k\nALLOWED_HOSTS=localhost\nPOSTGRES_PASSWORD=p\nMINIO_ROOT_PASSWORD=minio-pass\n")
    result = subprocess.run(["docker-compose", "--env-file", str(env_file), "config", "-q"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    env_file.write_text("SECRET_KEY=k\nALLOWED_HOSTS=localhost\nPOSTGRES_PASSWORD=p\n")
    missing = subprocess.run(["docker-compose", "--env-file", str(env_file), "config", "-q"], cwd=ROOT,
                             capture_output=True, text=True, timeout=120, env={"PATH": os.environ["PATH"]})
    assert missing.returncode != 0 and "set MINIO_ROOT_PASSWORD in .env" in missing.stderr
