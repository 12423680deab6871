import ipaddress
import re
from datetime import timedelta

import pytest

from config import Settings, SettingsError
from lti.addresses import ANYWHERE, PUBLIC_ONLY, AddressRule


def test_defaults_need_no_environment():
    settings = Settings.from_env({})
    assert settings.env == "development" and settings.database_url.startswith("sqlite:///")
    assert settings.demo_lms is False and settings.redis_url is None
    assert settings.demo_lms_url is None
    assert settings.mastery_model == "bkt"
    assert Settings.from_env({"MASTERY_MODEL": " ELO "}).mastery_model == "elo"


def test_grade_sync_settings_come_from_the_environment():
    settings = Settings.from_env(
        {
            "GRADE_BATCH_SIZE": "10",
            "GRADE_SEND_THREADS": "2",
            "GRADE_LEASE_SECONDS": "30",
            "GRADE_RETRY_BASE_SECONDS": "0.5",
            "GRADE_RETRY_MAX_SECONDS": "60",
        }
    )
    assert (
        settings.grade_batch_size,
        settings.grade_send_threads,
        settings.grade_lease_seconds,
        settings.grade_retry_base_seconds,
        settings.grade_retry_max_seconds,
    ) == (10, 2, 30.0, 0.5, 60.0)


def test_sessions_last_hours_not_flasks_31_days():
    from service import _flask_config

    assert Settings.from_env({}).session_hours == 2
    settings = Settings.from_env({"SESSION_HOURS": "8"})
    assert settings.session_hours == 8
    lifetime = _flask_config(settings.with_changes(secret_key="k" * 40))
    assert lifetime["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)


def test_values_come_from_the_environment():
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql+psycopg://db/x",
            "REDIS_URL": "redis://r:6379/0",
            "DEMO_LMS": "1",
            "DEMO_LMS_URL": "https://lms.example/",
            "BASE_URL": "https://tool.example/",
            "JWT_LEEWAY_SECONDS": "5",
        }
    )
    assert settings.database_url == "postgresql+psycopg://db/x"
    assert settings.redis_url == "redis://r:6379/0" and settings.demo_lms
    assert settings.demo_lms_url == "https://lms.example"
    assert settings.base_url == "https://tool.example" and settings.jwt_leeway_seconds == 5


def test_the_database_pool_is_sized_from_the_environment():
    from service import engine_options

    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql+psycopg://db/x",
            "DATABASE_POOL_SIZE": "2",
            "DATABASE_MAX_OVERFLOW": "0",
            "DATABASE_POOL_TIMEOUT_SECONDS": "3",
        }
    )
    options = engine_options(settings)
    assert (options["pool_size"], options["max_overflow"], options["pool_timeout"]) == (2, 0, 3)
    # pinged only after being idle (service/postgres_connections.py), not on every checkout
    assert "pool_pre_ping" not in options
    assert "pool_size" not in engine_options(Settings.from_env({}))  # SQLite: no pool sizing


@pytest.mark.parametrize(
    ("env", "words"),
    [
        (
            {
                "SELFPATH_ENV": "production",
                "DEMO_LMS": "1",
                "SECRET_KEY": "k" * 40,
                "BASE_URL": "https://t.example",
            },
            "DEMO_LMS",
        ),
        ({"SELFPATH_ENV": "production", "BASE_URL": "https://t.example"}, "SECRET_KEY"),
        ({"SELFPATH_ENV": "production", "SECRET_KEY": "k" * 40}, "https"),
        ({"JWT_LEEWAY_SECONDS": "600"}, "JWT_LEEWAY_SECONDS"),
        ({"JWT_LEEWAY_SECONDS": "soon"}, "JWT_LEEWAY_SECONDS"),
        ({"SELFPATH_ENV": "staging"}, "SELFPATH_ENV"),
        ({"DATABASE_POOL_SIZE": "0"}, "DATABASE_POOL_SIZE"),
        ({"DATABASE_MAX_OVERFLOW": "-1"}, "DATABASE_MAX_OVERFLOW"),
        ({"DATABASE_POOL_TIMEOUT_SECONDS": "0"}, "DATABASE_POOL_TIMEOUT_SECONDS"),
        ({"GRADE_LEASE_SECONDS": "5", "HTTP_TIMEOUT_SECONDS": "10"}, "GRADE_LEASE_SECONDS"),
        ({"HTTP_TIMEOUT_SECONDS": "0"}, "HTTP_TIMEOUT_SECONDS"),
        ({"HTTP_TIMEOUT_SECONDS": "300"}, "HTTP_TIMEOUT_SECONDS"),
        ({"HTTP_TIMEOUT_SECONDS": "soon"}, "HTTP_TIMEOUT_SECONDS"),
        ({"GRADE_RETRY_BASE_SECONDS": "0"}, "GRADE_RETRY_BASE_SECONDS"),
        ({"GRADE_RETRY_BASE_SECONDS": "fast"}, "GRADE_RETRY_BASE_SECONDS"),
        ({"GRADE_BATCH_SIZE": "0"}, "GRADE_BATCH_SIZE"),
        ({"MASTERY_MODEL": "irt"}, "MASTERY_MODEL"),
        ({"SESSION_HOURS": "0"}, "SESSION_HOURS"),
        ({"SESSION_HOURS": "744"}, "SESSION_HOURS"),
        ({"SESSION_HOURS": "a day"}, "SESSION_HOURS"),
    ],
)
def test_unsafe_or_broken_configuration_is_refused(env, words):
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env)


def test_production_refuses_to_start_with_the_demo_lms():
    from service import create_app

    unsafe = Settings(
        env="production", secret_key="k" * 40, base_url="https://t.example", demo_lms=True
    )
    with pytest.raises(SettingsError):
        create_app(unsafe)


PRODUCTION = {
    "SELFPATH_ENV": "production",
    "SECRET_KEY": "k" * 40,
    "BASE_URL": "https://t.example",
    "REDIS_URL": "redis://r.internal:6379/0",
}


def test_production_refuses_to_start_without_redis():
    without = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    with pytest.raises(SettingsError, match="REDIS_URL must be set in production"):
        Settings.from_env(without)
    assert Settings.from_env(PRODUCTION).redis_url == "redis://r.internal:6379/0"


@pytest.mark.parametrize(
    ("env", "waits"),
    [
        ({}, False),  # development: `make run` registers a local LMS at once
        ({"SELFPATH_ENV": "test"}, False),
        (PRODUCTION, True),
        ({**PRODUCTION, "DYNAMIC_REGISTRATION": "accept"}, False),
        ({"DYNAMIC_REGISTRATION": "Approve"}, True),
    ],
)
def test_dynamic_registrations_wait_for_approval_in_production_by_default(env, waits):
    assert Settings.from_env(env).registrations_wait_for_approval is waits


def test_production_calls_public_addresses_and_the_lms_networks_named():
    assert Settings.from_env({}).addresses == ANYWHERE  # development: the LMS next door
    assert Settings.from_env(PRODUCTION).addresses == PUBLIC_ONLY
    named = Settings.from_env({**PRODUCTION, "LMS_PRIVATE_NETWORKS": " 10.20.0.0/16, 10.9.8.7 ,"})
    assert named.addresses == AddressRule(
        public_only=True,
        private_networks=(ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("10.9.8.7")),
    )


@pytest.mark.parametrize(
    ("networks", "words"),
    [
        ("10.20.0.0/33", "'10.20.0.0/33' is not a network"),
        ("10.20.0.1/16", "no host bits"),
        ("moodle.school.lan", "is not a network"),
        ("0.0.0.0/0", "0.0.0.0/0 holds public addresses"),
        ("10.0.0.0/7", "holds public addresses"),
        ("169.254.169.254", "link-local addresses, which Selfpath never calls"),
        ("fe80::/10", "link-local"),
        ("224.0.0.0/4", "multicast"),
        ("0.0.0.0/8", "unspecified"),
        ("::ffff:0:0/96", "IPv4-mapped"),
    ],
)
def test_an_lms_network_that_would_open_too_much_is_refused(networks, words):
    with pytest.raises(SettingsError, match="LMS_PRIVATE_NETWORKS: .*" + re.escape(words)):
        Settings.from_env({**PRODUCTION, "LMS_PRIVATE_NETWORKS": f"10.1.0.0/16,{networks}"})


def test_an_unknown_dynamic_registration_mode_is_refused():
    with pytest.raises(SettingsError, match="DYNAMIC_REGISTRATION must be approve or accept"):
        Settings.from_env({"DYNAMIC_REGISTRATION": "open"})


def test_admin_settings_come_from_the_environment():
    settings = Settings.from_env(
        {"ADMIN_USERNAME": "it-office", "ADMIN_PASSWORD": "a long enough passphrase"}
    )
    assert settings.admin_enabled and settings.admin_username == "it-office"
    assert "passphrase" not in repr(settings)
    assert not Settings.from_env({}).admin_enabled


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"ADMIN_USERNAME": "admin"}, "ADMIN_PASSWORD or ADMIN_PASSWORD_HASH must be set"),
        ({"ADMIN_PASSWORD": "whatever-it-is"}, "ADMIN_USERNAME must be set"),
        (
            {
                "ADMIN_USERNAME": "admin",
                "ADMIN_PASSWORD": "x" * 20,
                "ADMIN_PASSWORD_HASH": "scrypt:32768:8:1$a$b",
            },
            "not both",
        ),
        ({"ADMIN_USERNAME": "admin", "ADMIN_PASSWORD_HASH": "plain-text"}, "hash-password"),
        ({**PRODUCTION, "ADMIN_USERNAME": "admin"}, "must be set"),
        ({**PRODUCTION, "ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "short"}, "too weak"),
        (
            {**PRODUCTION, "ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "aaaaaaaaaaaaaaaa"},
            "too weak",
        ),
        (
            {**PRODUCTION, "ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "password-2026-x"},
            "too weak",
        ),
        (
            {
                **PRODUCTION,
                "ADMIN_USERNAME": "principal",
                "ADMIN_PASSWORD": "principal-of-the-year",
            },
            "too weak",
        ),
        ({"LTI_LOGIN_RATE_LIMIT": "lots"}, "LTI_LOGIN_RATE_LIMIT"),
        ({"ADMIN_LOGIN_RATE_LIMIT": "5 per fortnight"}, "ADMIN_LOGIN_RATE_LIMIT"),
    ],
)
def test_unsafe_admin_or_rate_limit_configuration_is_refused(env, words):
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env)


def test_production_accepts_a_strong_password_or_a_hash():
    strong = Settings.from_env(
        {**PRODUCTION, "ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "Lotus-river-42-kettle"}
    )
    hashed = Settings.from_env(
        {
            **PRODUCTION,
            "ADMIN_USERNAME": "admin",
            "ADMIN_PASSWORD_HASH": "scrypt:32768:8:1$salt$digest",
        }
    )
    assert strong.admin_enabled and hashed.admin_enabled


def test_rate_limits_use_redis_when_configured():
    from service.rate_limits import key_prefix, storage_uri

    # the same server, named for the valkey client that `limits` then uses
    assert storage_uri("redis://127.0.0.1:6379/3") == "valkey://127.0.0.1:6379/3"
    assert storage_uri(None) == "memory://"
    assert key_prefix("https://a.example") != key_prefix("https://b.example")


@pytest.mark.parametrize(
    ("redis_url", "storage"),
    [
        ("redis://:secret@cache.internal:6380/2", "valkey://:secret@cache.internal:6380/2"),
        ("rediss://cache.example:6379/0", "valkeys://cache.example:6379/0"),
        ("unix:///run/redis.sock?db=1", "valkey+unix:///run/redis.sock?db=1"),
        ("redis+unix:///run/redis.sock?db=1", "valkey+unix:///run/redis.sock?db=1"),
        ("valkey://cache.internal/4", "valkey://cache.internal/4"),
    ],
)
def test_every_kind_of_redis_address_reaches_the_rate_limits(redis_url, storage):
    from limits.storage import storage_from_string

    from service.rate_limits import storage_uri

    assert storage_uri(redis_url) == storage
    found = storage_from_string(storage)  # no connection is made yet
    assert type(found).__name__ == "RedisStorage" and found.target_server == "valkey"


def test_launch_log_days_come_from_the_environment_within_bounds():
    assert Settings.from_env({}).launch_log_days == 90
    assert Settings.from_env({"LAUNCH_LOG_DAYS": "30"}).launch_log_days == 30
    for wrong in ("0", "36501"):
        with pytest.raises(SettingsError, match="LAUNCH_LOG_DAYS"):
            Settings.from_env({"LAUNCH_LOG_DAYS": wrong}).check()


def test_the_oai_provider_is_configured_from_the_environment():
    settings = Settings.from_env(
        {"OAI_ADMIN_EMAIL": " library@school.example ", "OAI_RATE_LIMIT": "30 per minute"}
    )
    assert settings.oai_contact == "library@school.example"
    assert settings.oai_rate_limit == "30 per minute"
    unset = Settings.from_env({"BASE_URL": "https://selfpath.school.example/"})
    assert unset.oai_contact == "webmaster@selfpath.school.example"
    assert unset.oai_rate_limit == "120 per minute"


@pytest.mark.parametrize(
    "env",
    [
        {"OAI_ADMIN_EMAIL": "library"},
        {"OAI_ADMIN_EMAIL": "library@localhost"},
        {"OAI_ADMIN_EMAIL": "a b@school.example"},
        {"OAI_ADMIN_EMAIL": "x@" + "a" * 250 + ".example"},
        {"OAI_RATE_LIMIT": "lots"},
    ],
)
def test_a_wrong_oai_setting_is_refused_by_name(env):
    with pytest.raises(SettingsError, match=next(iter(env))):
        Settings.from_env(env)
