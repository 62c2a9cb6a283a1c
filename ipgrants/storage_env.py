"""Where the portal keeps its files, read from the environment (settings.py's "Shared file storage" block).

Nothing set: the local disk (``PRIVATE_MEDIA_ROOT``). An S3-compatible bucket (AWS S3, MinIO, Ceph, Aliyun OSS…)
when ``STORAGE_URL`` is set::

    STORAGE_URL=s3://ACCESS_KEY:SECRET_KEY@minio.internal:9000/ipgrants?region=cn-south-1   (https endpoint)
    STORAGE_URL=s3+http://ACCESS_KEY:SECRET_KEY@minio:9000/ipgrants                         (plain-http endpoint)
    STORAGE_URL=s3://ACCESS_KEY:SECRET_KEY@/ipgrants?region=us-east-1                       (AWS itself)

or when ``AWS_STORAGE_BUCKET_NAME`` is set, with ``AWS_S3_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY`` and ``AWS_S3_REGION_NAME`` beside it (the names django-storages and boto3 use). Keys left
out come from boto3's own chain (instance role, ``~/.aws``). A bad value stops the start with a message.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from .env import env_str

S3_BACKEND = "storages.backends.s3.S3Storage"
FILE_SYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"


def s3_options_from_url(url: str) -> dict:
    """django-storages S3Storage options from ``s3://KEY:SECRET@HOST:PORT/BUCKET?region=…``."""
    parts = urlsplit(url)
    if parts.scheme not in {"s3", "s3+https", "s3+http"}:
        raise ImproperlyConfigured(
            f"STORAGE_URL={url!r}: the scheme must be s3:// (https endpoint) or s3+http:// (plain http), "
            "e.g. s3://KEY:SECRET@minio:9000/ipgrants.")
    bucket = parts.path.strip("/")
    if not bucket or "/" in bucket:
        raise ImproperlyConfigured(f"STORAGE_URL={url!r} names no bucket: put it after the host, e.g. "
                                   "s3://KEY:SECRET@minio:9000/ipgrants.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    options = {"bucket_name": bucket}
    if parts.hostname:
        http = "http" if parts.scheme == "s3+http" else "https"
        port = f":{parts.port}" if parts.port else ""
        options["endpoint_url"] = f"{http}://{parts.hostname}{port}"
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    if query.get("region"):
        options["region_name"] = query["region"]
    if query.get("prefix"):
        options["location"] = query["prefix"].strip("/")
    return options


def s3_options_from_aws_names() -> dict:
    """The same options from AWS_STORAGE_BUCKET_NAME and its neighbours; empty when no bucket is named."""
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return {}
    options = {"bucket_name": bucket}
    for option, name in (("endpoint_url", "AWS_S3_ENDPOINT_URL"), ("access_key", "AWS_ACCESS_KEY_ID"),
                         ("secret_key", "AWS_SECRET_ACCESS_KEY"), ("region_name", "AWS_S3_REGION_NAME"),
                         ("location", "AWS_LOCATION")):
        if env_str(name):
            options[option] = env_str(name)
    return options


def default_storage_from_env(*, presigned_seconds: int) -> dict:
    """``STORAGES["default"]``: the bucket when one is configured, else the local disk (MEDIA_ROOT)."""
    url = env_str("STORAGE_URL")
    options = s3_options_from_url(url) if url else s3_options_from_aws_names()
    if not options:
        return {"BACKEND": FILE_SYSTEM_BACKEND}
    options.update(
        # Private: no public-read ACL, every URL signed and valid for `presigned_seconds` only.
        default_acl=None, querystring_auth=True, querystring_expire=presigned_seconds,
        # Never replace a stored file with a new one of the same name (as the disk storage): a new name instead.
        file_overwrite=False,
        signature_version="s3v4",
    )
    if "endpoint_url" in options:
        options["addressing_style"] = "path"  # MinIO and most self-hosted servers: http://host/bucket/key
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
