"""Logs as one JSON object per line (the production profile, ``LOG_FORMAT=json``), for a log collector that reads
several machines' logs: time, level, logger, message, the exception if any, and whatever ``extra`` gave."""

from __future__ import annotations

import datetime as dt
import json
import logging

# The attributes every LogRecord has; anything else on a record came from ``extra={...}``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        # default=str: a request, a model instance or a Decimal in ``extra`` is written as its text, never refused;
        # the newlines of a traceback are escaped inside the string, so one record stays one line.
        return json.dumps(entry, ensure_ascii=False, default=str)
