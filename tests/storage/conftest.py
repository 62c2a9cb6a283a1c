"""A real S3-compatible server for the storage tests: the one the environment names (``IPGRANTS_TEST_S3_URL``,
e.g. ``s3+http://minioadmin:minioadmin@127.0.0.1:9000/any``: a MinIO in CI), else moto's standalone server started
here as a subprocess on a free port (a real HTTP endpoint, not an in-process mock). Each test gets its own empty
private bucket, made the default storage."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest

from ipgrants.storage_env import S3_BACKEND, s3_options_from_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until something accepts connections on the port (never a fixed sleep); fails if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str
    region_name: str = "us-east-1"

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name=self.region_name)

    def options(self, bucket: str) -> dict:
        """STORAGES["default"]["OPTIONS"] for a bucket on this server (as ipgrants/storage_env.py makes them)."""
        return {"bucket_name": bucket, "endpoint_url": self.endpoint_url, "access_key": self.access_key,
                "secret_key": self.secret_key, "region_name": self.region_name, "default_acl": None,
                "querystring_auth": True, "querystring_expire": 60, "file_overwrite": False,
                "signature_version": "s3v4", "addressing_style": "path"}

    def storage_url(self, bucket: str) -> str:
        scheme = "s3+http" if self.endpoint_url.startswith("http://") else "s3"
        host = self.endpoint_url.split("://", 1)[1]
        return f"{scheme}://{self.access_key}:{self.secret_key}@{host}/{bucket}?region={self.region_name}"


@pytest.fixture(scope="session")
def s3_server():
    configured = os.environ.get("IPGRANTS_TEST_S3_URL")
    if configured:
        options = s3_options_from_url(configured)
        yield S3Server(options["endpoint_url"], options.get("access_key", ""), options.get("secret_key", ""),
                       options.get("region_name", "us-east-1"))
        return
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield S3Server(f"http://127.0.0.1:{port}", "testing-key", "testing-secret")
    finally:
        stop(process)


@pytest.fixture
def s3_bucket(s3_server, settings):
    """A fresh private bucket, the portal's default storage for this test; emptied and removed afterwards."""
    bucket = f"ipgrants-test-{uuid.uuid4().hex[:12]}"
    client = s3_server.client()
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": S3_BACKEND, "OPTIONS": s3_server.options(bucket)}}
    yield bucket
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def bucket_keys(s3_server: S3Server, bucket: str) -> list[str]:
    pages = s3_server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def bucket_bytes(s3_server: S3Server, bucket: str, key: str) -> bytes:
    """An object's bytes read straight from the server (not through the portal's storage)."""
    return s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read()
