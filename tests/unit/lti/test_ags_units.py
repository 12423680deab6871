"""AGS building blocks: score URLs, backoff, Retry-After, addresses, scopes, assertions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from lti.ags_endpoint import LINEITEM, SCORE, foreign_url, token_scopes
from lti.ags_http import score_body, scores_url
from lti.ags_token import PlatformAuth, client_assertion, expires_at
from lti.backoff import parse_retry_after, retry_delay
from lti.keys import SigningKey, new_key_pair


@pytest.mark.parametrize(
    ("line_item", "scores"),
    [
        (
            "https://lms.example/mod/lti/services.php/2/lineitems/13/lineitem?type_id=1",
            "https://lms.example/mod/lti/services.php/2/lineitems/13/lineitem/scores?type_id=1",
        ),
        (
            "https://canvas.example/api/lti/courses/1/line_items/7",
            "https://canvas.example/api/lti/courses/1/line_items/7/scores",
        ),
        ("https://lms.example/items/7/", "https://lms.example/items/7/scores"),
        (
            "https://lms.example/items/7?a=1&b=2#frag",
            "https://lms.example/items/7/scores?a=1&b=2#frag",
        ),
    ],
)
def test_scores_go_to_the_line_item_with_scores_before_the_query(line_item, scores):
    assert scores_url(line_item) == scores


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap():
    rng = random.Random(7)
    delays = [retry_delay(n, base=1, cap=60, rng=rng) for n in range(1, 9)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(60, 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert delays[-1] <= 60 and delays[4] > delays[0]
    spread = {round(retry_delay(3, base=1, cap=60, rng=rng), 6) for _ in range(20)}
    assert len(spread) > 10  # workers do not come back in step


def test_backoff_never_comes_back_before_retry_after():
    assert retry_delay(1, base=0.1, cap=1, retry_after=30) == 30
    assert retry_delay(1, base=0.1, cap=1, retry_after=None) <= 0.1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Sun, 29 Nov 2026 10:00:30 GMT", 30.0),
        ("Sun, 29 Nov 2026 09:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(header, seconds):
    now = datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after(header, now) == seconds


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://moodle.example/mod/lti/services.php/2/lineitems?type_id=1", True),
        ("https://MOODLE.example/x", True),
        ("https://auth.example/lineitems/1", True),  # the token URL's origin
        ("http://moodle.example/x", False),  # another scheme
        ("https://moodle.example:8443/x", False),
        ("https://evil.example/moodle.example/x", False),
        ("https://moodle.example.evil.example/x", False),
    ],
)
def test_gradebook_addresses_must_be_on_the_platforms_own_origin(url, allowed):
    why = foreign_url("https://moodle.example", "https://auth.example/token", url)
    assert (why is None) == allowed
    if not allowed:
        assert url in why


def test_token_scopes_are_those_we_use_among_those_granted():
    granted = [
        SCORE,
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
        LINEITEM,
        "https://example/other",
    ]
    assert token_scopes(granted) == (LINEITEM, SCORE)


def test_client_assertion_is_signed_with_the_tool_key_and_names_it():
    private, _pem, jwk = new_key_pair()
    key = SigningKey(kid=jwk["kid"], private_key=private)
    auth = PlatformAuth(id=1, issuer="https://lms", client_id="c-1", token_url="https://lms/token")
    first = client_assertion(key, auth, 1_800_000_000)
    second = client_assertion(key, auth, 1_800_000_000)
    assert jwt.get_unverified_header(first)["kid"] == jwk["kid"]
    body = jwt.decode(
        first,
        private.public_key(),
        algorithms=["RS256"],
        audience="https://lms/token",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert body["iss"] == body["sub"] == "c-1" and body["exp"] - body["iat"] <= 60
    assert body["jti"] != jwt.decode(second, options={"verify_signature": False})["jti"]
    audience = PlatformAuth(1, "https://lms", "c-1", "https://lms/token", "https://lms/aud")
    assert (
        jwt.decode(
            client_assertion(key, audience, 1_800_000_000), options={"verify_signature": False}
        )["aud"]
        == "https://lms/aud"
    )


def test_tokens_are_dropped_shortly_before_they_expire():
    assert expires_at(1000, 3600) == 1000 + 3600 - 60
    assert expires_at(1000, 10) == 1000 + 9


def test_score_body_has_a_timestamp_with_its_zone():
    body = score_body(
        user_id="u",
        timestamp=datetime(2026, 11, 29, 10, 0, 0, 123456, tzinfo=UTC) + timedelta(0),
        given=40.0,
        maximum=100.0,
        activity_progress="InProgress",
        grading_progress="FullyGraded",
    )
    assert body == {
        "userId": "u",
        "timestamp": "2026-11-29T10:00:00.123+00:00",
        "scoreGiven": 40.0,
        "scoreMaximum": 100.0,
        "activityProgress": "InProgress",
        "gradingProgress": "FullyGraded",
    }
