"""The LTI layer's per-process collaborators: built once by the application factory from
the settings, and handed to `lti/` by the views."""

from __future__ import annotations

from lti.state_store import DatabaseStateStore, RedisStateStore
from service.lti.services import EXTENSION, LtiServices, lti_services


def test_the_factory_builds_the_services_once_for_every_request(app):
    services = lti_services()
    assert services is app.extensions[EXTENSION]
    assert app.test_client().get("/lti/jwks").status_code == 200
    assert lti_services() is services  # a request does not build them again


def test_launch_state_lives_in_the_database_without_redis(settings, session):
    store = LtiServices.build(settings.with_changes(redis_url="")).state_store(session)
    assert isinstance(store, DatabaseStateStore) and store.in_session


def test_launch_state_lives_in_redis_when_redis_url_is_set(settings, session):
    services = LtiServices.build(settings.with_changes(redis_url="redis://127.0.0.1:6379/8"))
    store = services.state_store(session)
    assert isinstance(store, RedisStateStore) and not store.in_session
    assert services.redis.connection_pool.connection_kwargs["db"] == 8


def test_lms_calls_check_addresses_in_production_only(settings):
    assert LtiServices.build(settings).http.addresses.public_only is False
    production = settings.with_changes(env="production", base_url="https://selfpath.example")
    assert LtiServices.build(production).http.addresses.public_only is True
