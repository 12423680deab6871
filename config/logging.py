"""Logging as JSON lines. Records carry the request id; LTI claims are never logged."""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
# Log fields may quote a request (an issuer, a reason): a line stays readable and bounded.
MAX_VALUE = 2000


def capped(value: object) -> object:
    """A string longer than MAX_VALUE, cut with a visible marker; other values as they are."""
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return f"{value[:MAX_VALUE]}…[truncated {len(value) - MAX_VALUE} chars]"
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the fields passed through `extra={"fields": ...}`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": capped(record.getMessage()),
            "request_id": request_id_var.get(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({name: capped(value) for name, value in fields.items()})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    """Send the `selfpath` loggers to stderr as JSON lines (idempotent)."""
    logger = logging.getLogger("selfpath")
    logger.setLevel(level)
    if not any(getattr(h, "_selfpath", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._selfpath = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False
