import pytest

from config import Settings, SettingsError


def test_defaults_need_no_environment():
    settings = Settings.from_env({})
    assert settings.env == "development" and settings.database_url.startswith("sqlite:///")
    assert settings.demo_lms is False and settings.redis_url is None
    assert settings.mastery_model == "bkt"
    assert Settings.from_env({"MASTERY_MODEL": " ELO "}).mastery_model == "elo"


def test_values_come_from_the_environment():
    settings = Settings.from_env({"DATABASE_URL": "postgresql+psycopg://db/x",
                                  "REDIS_URL": "redis://r:6379/0", "DEMO_LMS": "1",
                                  "BASE_URL": "https://tool.example/", "JWT_LEEWAY_SECONDS": "5"})
    assert settings.database_url == "postgresql+psycopg://db/x"
    assert settings.redis_url == "redis://r:6379/0" and settings.demo_lms
    assert settings.base_url == "https://tool.example" and settings.jwt_leeway_seconds == 5


@pytest.mark.parametrize(("env", "words"), [
    ({"SELFPATH_ENV": "production", "DEMO_LMS": "1", "SECRET_KEY": "k" * 40,
      "BASE_URL": "https://t.example"}, "DEMO_LMS"),
    ({"SELFPATH_ENV": "production", "BASE_URL": "https://t.example"}, "SECRET_KEY"),
    ({"SELFPATH_ENV": "production", "SECRET_KEY": "k" * 40}, "https"),
    ({"JWT_LEEWAY_SECONDS": "600"}, "JWT_LEEWAY_SECONDS"),
    ({"JWT_LEEWAY_SECONDS": "soon"}, "JWT_LEEWAY_SECONDS"),
    ({"SELFPATH_ENV": "staging"}, "SELFPATH_ENV"),
    ({"MASTERY_MODEL": "irt"}, "MASTERY_MODEL"),
])
def test_unsafe_or_broken_configuration_is_refused(env, words):
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env)


def test_production_refuses_to_start_with_the_demo_lms():
    from service import create_app

    unsafe = Settings(env="production", secret_key="k" * 40, base_url="https://t.example",
                      demo_lms=True)
    with pytest.raises(SettingsError):
        create_app(unsafe)
