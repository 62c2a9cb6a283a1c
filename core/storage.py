"""The portal's files, wherever they are kept (the local disk or a private S3-compatible bucket: settings'
"Shared file storage" block), served only by views that have checked who may see them.

- ``serve(file, filename=…)``: the response a permission-checking view returns: the file streamed through the web
  node (``STORAGE_SERVE=stream``, the default), or a redirect to a presigned URL valid
  ``STORAGE_PRESIGNED_SECONDS`` (``redirect``, for a bucket whose endpoint browsers can reach).
- ``storage_ok()`` / ``storage_problem()``: whether the storage answers, for the health check.
- ``checksum(storage, name)``: a stored file's SHA-256, read in chunks (the move command verifies with it).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from contextlib import closing

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)
CHUNK = 1024 * 1024


def is_bucket(storage: Storage | None = None) -> bool:
    """Whether the storage is an S3-compatible bucket (django-storages' S3Storage) rather than a disk."""
    storage = storage if storage is not None else default_storage
    return hasattr(storage, "bucket_name") and hasattr(storage, "connection")


def _read_stream(storage: Storage, name: str):
    """(a file-like object to read the stored file from, its size when the bucket says it). From a bucket: the
    object's body as the server sends it, read in chunks (django-storages' own file would first copy the whole object
    into memory)."""
    if not is_bucket(storage):
        return storage.open(name, "rb"), None
    from storages.utils import clean_name

    key = storage._normalize_name(clean_name(name))
    obj = storage.connection.meta.client.get_object(Bucket=storage.bucket_name, Key=key)
    return obj["Body"], obj["ContentLength"]


def serve(file: FieldFile, *, filename: str, content_type: str | None = None, as_attachment: bool = True
          ) -> HttpResponse:
    """The stored file as a download named ``filename``; the caller has already checked permission (else 404)."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    storage, name = file.storage, file.name
    if settings.STORAGE_SERVE == "redirect" and is_bucket(storage):
        url = storage.url(name, expire=settings.STORAGE_PRESIGNED_SECONDS, parameters={
            "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
            "ResponseContentType": content_type,
        })
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    body, size = _read_stream(storage, name)
    response = FileResponse(body, as_attachment=as_attachment, filename=filename, content_type=content_type)
    if size is not None:
        response["Content-Length"] = str(size)
    response.block_size = CHUNK
    response["Cache-Control"] = "private, no-store"
    return response


def checksum(storage: Storage, name: str) -> str:
    """The SHA-256 of a stored file (hex), read in chunks."""
    digest = hashlib.sha256()
    stored, _size = _read_stream(storage, name)
    with closing(stored):
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _quick_client(storage: Storage, timeout: float):
    """A client for the storage's bucket that gives up after ``timeout`` seconds and one try (a health check must
    answer before the load balancer's own timeout; the storage's client waits and retries for a minute)."""
    from botocore.config import Config

    config = storage.client_config.merge(Config(connect_timeout=timeout, read_timeout=timeout,
                                                retries={"max_attempts": 1, "mode": "standard"}))
    return storage._create_session().client("s3", region_name=storage.region_name, use_ssl=storage.use_ssl,
                                            endpoint_url=storage.endpoint_url, config=config, verify=storage.verify)


def storage_problem(storage: Storage | None = None, *, timeout: float = 3) -> str | None:
    """None when the storage answers within ``timeout`` seconds (the bucket exists and the keys may reach it; the
    disk folder is writable), else one line saying what is wrong (no secret in it: for the health check's log)."""
    import os

    storage = storage if storage is not None else default_storage
    if is_bucket(storage):
        try:
            _quick_client(storage, timeout).head_bucket(Bucket=storage.bucket_name)
        except Exception as exc:  # noqa: BLE001 - any failure (network, auth, missing bucket) means "not reachable"
            logger.warning("storage: bucket %s not reachable: %s", storage.bucket_name, exc)
            return f"bucket {storage.bucket_name} not reachable ({type(exc).__name__})"
        return None
    location = getattr(storage, "location", None)
    if location is None:
        return None
    if not os.path.isdir(location):
        try:
            os.makedirs(location, exist_ok=True)
        except OSError as exc:
            return f"folder for files cannot be made ({exc.strerror})"
    if not os.access(location, os.W_OK):
        return "folder for files is not writable"
    return None


def storage_ok(storage: Storage | None = None, *, timeout: float = 3) -> bool:
    """Whether the file storage is reachable within ``timeout`` seconds (for /healthz)."""
    return storage_problem(storage, timeout=timeout) is None
