"""Typed, frozen settings built from environment variables.

Nothing happens at import: `Settings.from_env()` is called by `create_app` when it is
not handed a settings object.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The learner-model families (paths/learning/models.py); bkt predicts best on the benchmark.
MASTERY_MODELS = ("bkt", "elo")


class SettingsError(ValueError):
    """A configuration value is missing or wrong; the message names the variable."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = field(default="", repr=False)
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'instance' / 'selfpath.db'}"
    redis_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    instance_path: str = str(PROJECT_ROOT / "instance")
    demo_lms: bool = False
    launch_state_seconds: int = 600
    jwt_leeway_seconds: int = 30
    key_grace_seconds: int = 3 * 24 * 3600
    platform_jwks_cache_seconds: int = 3600
    http_timeout_seconds: int = 10
    proxy_hops: int = 0
    log_level: str = "INFO"
    mastery_model: str = "bkt"
    testing: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        settings = cls(
            env=env.get("SELFPATH_ENV", "development"),
            secret_key=env.get("SECRET_KEY", ""),
            database_url=env.get("DATABASE_URL") or cls.database_url,
            redis_url=env.get("REDIS_URL") or None,
            base_url=(env.get("BASE_URL") or cls.base_url).rstrip("/"),
            instance_path=env.get("INSTANCE_PATH") or cls.instance_path,
            demo_lms=_flag(env.get("DEMO_LMS")),
            launch_state_seconds=_int(env, "LAUNCH_STATE_SECONDS", cls.launch_state_seconds),
            jwt_leeway_seconds=_int(env, "JWT_LEEWAY_SECONDS", cls.jwt_leeway_seconds),
            key_grace_seconds=_int(env, "KEY_GRACE_SECONDS", cls.key_grace_seconds),
            platform_jwks_cache_seconds=_int(
                env, "PLATFORM_JWKS_CACHE_SECONDS", cls.platform_jwks_cache_seconds
            ),
            http_timeout_seconds=_int(env, "HTTP_TIMEOUT_SECONDS", cls.http_timeout_seconds),
            proxy_hops=_int(env, "PROXY_HOPS", cls.proxy_hops),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            mastery_model=(env.get("MASTERY_MODEL") or cls.mastery_model).strip().lower(),
        )
        settings.check()
        return settings

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_https(self) -> bool:
        return self.base_url.startswith("https://")

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def check(self) -> None:
        """Refuse configurations that would be unsafe or cannot work."""
        if self.is_production and self.demo_lms:
            raise SettingsError("DEMO_LMS must be off when SELFPATH_ENV=production")
        if self.is_production and len(self.secret_key) < 32:
            raise SettingsError("SECRET_KEY must be set (32+ characters) in production")
        if self.is_production and not self.is_https:
            raise SettingsError("BASE_URL must use https:// in production")
        if not 0 <= self.jwt_leeway_seconds <= 60:
            raise SettingsError("JWT_LEEWAY_SECONDS must be between 0 and 60")
        if self.env not in {"development", "production", "test"}:
            raise SettingsError("SELFPATH_ENV must be development, production or test")
        if self.mastery_model not in MASTERY_MODELS:
            raise SettingsError(f"MASTERY_MODEL must be one of {', '.join(MASTERY_MODELS)}")
