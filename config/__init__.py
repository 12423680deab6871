"""Typed, frozen settings built from environment variables.

Nothing happens at import: `Settings.from_env()` is called by `create_app` when it is
not handed a settings object.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from lti.addresses import AddressRule, Network, lms_network_problem

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD_HASH_METHODS = ("scrypt:", "pbkdf2:")
MIN_PRODUCTION_PASSWORD = 12
# The learner-model families (paths/learning/families.py); bkt predicts best on the benchmark.
MASTERY_MODELS = ("bkt", "elo", "pfa", "best-lr")
# A session is for a lesson or a school day, never Flask's default of 31 days.
MAX_SESSION_HOURS = 24
# What a dynamic registration does: wait for the admin's approval in the console, or
# take effect at once. Unset: approve in production, accept in development and tests.
DYNAMIC_REGISTRATION_MODES = ("approve", "accept")
# What OAI-PMH's schema accepts as an adminEmail (a dot in the domain), bounded.
OAI_ADMIN_EMAIL = re.compile(r"^[^\s@]{1,64}@([^\s@.]+\.)+[^\s@.]+$")


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


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = field(default="", repr=False)
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'instance' / 'selfpath.db'}"
    redis_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    instance_path: str = str(PROJECT_ROOT / "instance")
    demo_lms: bool = False
    demo_lms_url: str | None = None  # where the demo LMS's pages live; BASE_URL when unset
    launch_state_seconds: int = 600
    session_hours: int = 2  # a learner's or teacher's session ends after this long idle
    launch_log_days: int = 90
    jwt_leeway_seconds: int = 30
    key_grace_seconds: int = 3 * 24 * 3600
    platform_jwks_cache_seconds: int = 3600
    http_timeout_seconds: int = 10
    proxy_hops: int = 0
    database_pool_size: int = 5
    database_max_overflow: int = 5
    database_pool_timeout_seconds: int = 10
    grade_batch_size: int = 50
    grade_send_threads: int = 4
    grade_lease_seconds: float = 120.0
    grade_retry_base_seconds: float = 2.0
    grade_retry_max_seconds: float = 900.0
    log_level: str = "INFO"
    admin_username: str = ""
    admin_password: str = field(default="", repr=False)
    admin_password_hash: str = field(default="", repr=False)
    # Per platform (issuer + client id) and client address: a whole school behind one NAT
    # address launching at the bell must pass.
    lti_login_rate_limit: str = "1000 per minute"
    admin_login_rate_limit: str = "5 per minute; 30 per hour"
    mastery_model: str = "bkt"
    # Who answers for the OAI-PMH provider; unset: webmaster@<host of BASE_URL>.
    oai_admin_email: str = ""
    # Per client address; an aggregator harvesting page after page must pass.
    oai_rate_limit: str = "120 per minute"
    dynamic_registration: str | None = None  # see DYNAMIC_REGISTRATION_MODES
    # Private networks where an LMS of the school's own lives, which production may call.
    lms_private_networks: tuple[str, ...] = ()
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
            demo_lms_url=(env.get("DEMO_LMS_URL") or "").rstrip("/") or None,
            launch_state_seconds=_int(env, "LAUNCH_STATE_SECONDS", cls.launch_state_seconds),
            session_hours=_int(env, "SESSION_HOURS", cls.session_hours),
            launch_log_days=_int(env, "LAUNCH_LOG_DAYS", cls.launch_log_days),
            jwt_leeway_seconds=_int(env, "JWT_LEEWAY_SECONDS", cls.jwt_leeway_seconds),
            key_grace_seconds=_int(env, "KEY_GRACE_SECONDS", cls.key_grace_seconds),
            platform_jwks_cache_seconds=_int(
                env, "PLATFORM_JWKS_CACHE_SECONDS", cls.platform_jwks_cache_seconds
            ),
            http_timeout_seconds=_int(env, "HTTP_TIMEOUT_SECONDS", cls.http_timeout_seconds),
            proxy_hops=_int(env, "PROXY_HOPS", cls.proxy_hops),
            database_pool_size=_int(env, "DATABASE_POOL_SIZE", cls.database_pool_size),
            database_max_overflow=_int(env, "DATABASE_MAX_OVERFLOW", cls.database_max_overflow),
            database_pool_timeout_seconds=_int(
                env, "DATABASE_POOL_TIMEOUT_SECONDS", cls.database_pool_timeout_seconds
            ),
            grade_batch_size=_int(env, "GRADE_BATCH_SIZE", cls.grade_batch_size),
            grade_send_threads=_int(env, "GRADE_SEND_THREADS", cls.grade_send_threads),
            grade_lease_seconds=_float(env, "GRADE_LEASE_SECONDS", cls.grade_lease_seconds),
            grade_retry_base_seconds=_float(
                env, "GRADE_RETRY_BASE_SECONDS", cls.grade_retry_base_seconds
            ),
            grade_retry_max_seconds=_float(
                env, "GRADE_RETRY_MAX_SECONDS", cls.grade_retry_max_seconds
            ),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            admin_username=env.get("ADMIN_USERNAME", "").strip(),
            admin_password=env.get("ADMIN_PASSWORD", ""),
            admin_password_hash=env.get("ADMIN_PASSWORD_HASH", "").strip(),
            lti_login_rate_limit=env.get("LTI_LOGIN_RATE_LIMIT") or cls.lti_login_rate_limit,
            admin_login_rate_limit=(
                env.get("ADMIN_LOGIN_RATE_LIMIT") or cls.admin_login_rate_limit
            ),
            oai_admin_email=env.get("OAI_ADMIN_EMAIL", "").strip(),
            oai_rate_limit=env.get("OAI_RATE_LIMIT") or cls.oai_rate_limit,
            mastery_model=(env.get("MASTERY_MODEL") or cls.mastery_model).strip().lower(),
            dynamic_registration=(env.get("DYNAMIC_REGISTRATION") or "").strip().lower() or None,
            lms_private_networks=tuple(
                n.strip() for n in env.get("LMS_PRIVATE_NETWORKS", "").split(",") if n.strip()
            ),
        )
        settings.check()
        return settings

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_username)

    @property
    def registrations_wait_for_approval(self) -> bool:
        """Whether a dynamic registration stays inactive until the admin approves it."""
        if self.dynamic_registration is None:
            return self.is_production
        return self.dynamic_registration == "approve"

    @property
    def oai_contact(self) -> str:
        """The OAI-PMH adminEmail: OAI_ADMIN_EMAIL, else the site's webmaster (RFC 2142)."""
        return self.oai_admin_email or f"webmaster@{urlsplit(self.base_url).hostname}"

    @cached_property
    def addresses(self) -> AddressRule:
        """Where Selfpath's calls to LMSs may go: anywhere in development, public
        addresses and LMS_PRIVATE_NETWORKS in production."""
        if not self.is_production:
            return AddressRule()
        return AddressRule(public_only=True, private_networks=self._networks())

    def _networks(self) -> tuple[Network, ...]:
        found = []
        for text in self.lms_private_networks:
            try:
                network = ipaddress.ip_network(text)
            except ValueError:
                raise SettingsError(
                    f"LMS_PRIVATE_NETWORKS: {text!r} is not a network (10.20.0.0/16) or an "
                    "address (10.20.0.15), with no host bits beyond its prefix"
                ) from None
            problem = lms_network_problem(network)
            if problem:
                raise SettingsError(f"LMS_PRIVATE_NETWORKS: {problem}")
            found.append(network)
        return tuple(found)

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
        if self.is_production and not self.redis_url:
            # In memory, each worker and instance would count on its own (a limit of 5
            # wrong admin passwords would allow 5 per worker).
            raise SettingsError(
                "REDIS_URL must be set in production: rate limits and "
                "launch state are shared there by every worker and instance"
            )
        if self.dynamic_registration not in (None, *DYNAMIC_REGISTRATION_MODES):
            raise SettingsError("DYNAMIC_REGISTRATION must be approve or accept")
        if not 0 <= self.jwt_leeway_seconds <= 60:
            raise SettingsError("JWT_LEEWAY_SECONDS must be between 0 and 60")
        if not 1 <= self.session_hours <= MAX_SESSION_HOURS:
            raise SettingsError(f"SESSION_HOURS must be between 1 and {MAX_SESSION_HOURS}")
        if not 1 <= self.launch_log_days <= 36500:
            raise SettingsError("LAUNCH_LOG_DAYS must be between 1 and 36500")
        if self.mastery_model not in MASTERY_MODELS:
            raise SettingsError(f"MASTERY_MODEL must be one of {', '.join(MASTERY_MODELS)}")
        if self.database_pool_size < 1 or self.database_max_overflow < 0:
            raise SettingsError(
                "DATABASE_POOL_SIZE must be at least 1 and DATABASE_MAX_OVERFLOW at least 0"
            )
        if self.database_pool_timeout_seconds < 1:
            raise SettingsError("DATABASE_POOL_TIMEOUT_SECONDS must be at least 1")
        if self.grade_batch_size < 1 or self.grade_send_threads < 1:
            raise SettingsError("GRADE_BATCH_SIZE and GRADE_SEND_THREADS must be at least 1")
        if not 1 <= self.http_timeout_seconds <= 60:  # a whole call, redirects included
            raise SettingsError("HTTP_TIMEOUT_SECONDS must be between 1 and 60")
        if self.grade_lease_seconds <= self.http_timeout_seconds:
            raise SettingsError("GRADE_LEASE_SECONDS must be longer than HTTP_TIMEOUT_SECONDS")
        if not 0 < self.grade_retry_base_seconds <= self.grade_retry_max_seconds:
            raise SettingsError(
                "GRADE_RETRY_BASE_SECONDS must be above 0 and at most GRADE_RETRY_MAX_SECONDS"
            )
        if self.env not in {"development", "production", "test"}:
            raise SettingsError("SELFPATH_ENV must be development, production or test")
        email = self.oai_admin_email
        if email and (len(email) > 254 or not OAI_ADMIN_EMAIL.match(email)):
            raise SettingsError(
                "OAI_ADMIN_EMAIL must be an e-mail address such as library@school.example"
            )
        self._check_admin()
        self._networks()
        for name, value in (
            ("LTI_LOGIN_RATE_LIMIT", self.lti_login_rate_limit),
            ("ADMIN_LOGIN_RATE_LIMIT", self.admin_login_rate_limit),
            ("OAI_RATE_LIMIT", self.oai_rate_limit),
        ):
            _check_rate_limit(name, value)

    def _check_admin(self) -> None:
        password, hashed = self.admin_password, self.admin_password_hash
        if not self.admin_enabled:
            if password or hashed:
                raise SettingsError("ADMIN_USERNAME must be set to use ADMIN_PASSWORD")
            return
        if password and hashed:
            raise SettingsError("set ADMIN_PASSWORD or ADMIN_PASSWORD_HASH, not both")
        if not password and not hashed:
            raise SettingsError(
                "ADMIN_PASSWORD or ADMIN_PASSWORD_HASH must be set when ADMIN_USERNAME is"
            )
        if hashed and not hashed.startswith(PASSWORD_HASH_METHODS):
            raise SettingsError(
                "ADMIN_PASSWORD_HASH must come from `flask admin hash-password` (scrypt or pbkdf2)"
            )
        if self.is_production and password and _weak(password, self.admin_username):
            raise SettingsError(
                f"ADMIN_PASSWORD is too weak for production: use "
                f"{MIN_PRODUCTION_PASSWORD}+ characters (or ADMIN_PASSWORD_HASH)"
            )


def _weak(password: str, username: str) -> bool:
    lowered = password.lower()
    return (
        len(password) < MIN_PRODUCTION_PASSWORD
        or len(set(password)) < 5
        or username.lower() in lowered
        or "password" in lowered
    )


def _check_rate_limit(name: str, value: str) -> None:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError as exc:
        raise SettingsError(
            f"{name} must look like '5 per minute; 30 per hour', got {value!r}"
        ) from exc
