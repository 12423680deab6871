"""gunicorn settings; each can be overridden with the usual GUNICORN_CMD_ARGS."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # the app writes one structured line per request itself
errorlog = "-"
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
