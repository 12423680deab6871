import pytest

from lti.addresses import ANYWHERE
from lti.errors import LaunchRefused
from lti.outbound import Outbound
from lti.platform_keys import PlatformKeys, parse_key_set
from service.demo.platform import PlatformKey
from tests.clocks import FakeClock


@pytest.fixture
def served(platform_server):
    key = PlatformKey.generate()
    state = {"keys": [key.jwk]}
    import json

    from werkzeug.wrappers import Response

    platform_server.routes["/unit/jwks"] = lambda request: Response(
        json.dumps(state), mimetype="application/json"
    )
    platform_server.hits.pop("/unit/jwks", None)
    yield key, state, platform_server.base_url + "/unit/jwks"
    platform_server.routes.pop("/unit/jwks")


def hits(platform_server):
    return platform_server.hits.get("/unit/jwks", 0)


def test_keys_are_cached_then_refetched_when_stale(served, platform_server):
    key, _, url = served
    clock = FakeClock()
    cache = PlatformKeys(Outbound(addresses=ANYWHERE), timeout=5, max_age=60, clock=clock)
    assert (
        cache.key_for(url, key.kid).public_numbers()
        == key.private_key.public_key().public_numbers()
    )
    cache.key_for(url, key.kid)
    assert hits(platform_server) == 1
    clock.now += 61
    cache.key_for(url, key.kid)
    assert hits(platform_server) == 2


def test_unknown_kid_refetches_at_most_once_per_interval(served, platform_server):
    key, state, url = served
    clock = FakeClock()
    cache = PlatformKeys(Outbound(addresses=ANYWHERE), timeout=5, max_age=3600, clock=clock)
    cache.key_for(url, key.kid)
    clock.now += 10
    for _ in range(3):
        with pytest.raises(LaunchRefused) as refused:
            cache.key_for(url, "nope")
        assert refused.value.code == "unknown_kid"
    assert hits(platform_server) == 2  # one refetch, not one per bad token
    rotated = PlatformKey.generate()
    state["keys"].append(rotated.jwk)
    clock.now += 10
    assert cache.key_for(url, rotated.kid) is not None
    assert hits(platform_server) == 3


def test_parse_key_set_skips_what_is_not_an_rsa_signing_key():
    good = PlatformKey.generate().jwk
    keys = parse_key_set(
        {
            "keys": [
                good,
                {"kty": "EC", "kid": "ec"},
                {**good, "kid": "enc", "use": "enc"},
                {**good, "kid": "hs", "alg": "HS256"},
                {"kty": "RSA", "kid": "broken", "n": "x"},
                "junk",
                {**good, "kid": None},
            ]
        }
    )
    assert list(keys) == [good["kid"]]
    assert parse_key_set("not a dict") == {}


def test_unreachable_key_set_is_a_clear_refusal():
    cache = PlatformKeys(Outbound(addresses=ANYWHERE), timeout=1, max_age=60)
    with pytest.raises(LaunchRefused) as refused:
        cache.key_for("http://127.0.0.1:9/jwks", "kid")
    assert refused.value.code == "key_set_unavailable" and refused.value.status == 502
