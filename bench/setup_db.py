"""A benchmark database: its schema built by the migrations, the benchmark LMS registered."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.lms import BenchLms

ROOT = Path(__file__).resolve().parent.parent


def prepare_database(url: str, lms: BenchLms) -> int:
    """Empty the benchmark database, migrate it, register `lms`; return the platform id."""
    if url.startswith("postgresql"):
        _recreate_postgres_schema(url)
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    command.upgrade(config, "head")
    engine = create_engine(url)
    with Session(engine) as session:
        platform_id = lms.register(session)
        session.commit()
    engine.dispose()
    return platform_id


def _recreate_postgres_schema(url: str) -> None:
    name = make_url(url).database or ""
    if "bench" not in name:  # never wipe a database that is not the benchmark's own
        raise SystemExit(
            f"refusing to reset {name!r}: the benchmark database's name must "
            "contain 'bench' (set BENCH_PG_URL)"
        )
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
