"""The Redis database the tests use: TEST_REDIS_URL (each run of `make test` has its own, so
the SQLite and PostgreSQL runs can go at once). Tests keep their keys under a prefix of their
own, or empty the database before and after when they cannot."""

from __future__ import annotations

import os

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
