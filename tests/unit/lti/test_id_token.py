"""lti.id_token refuses exactly what PyJWT's decode refuses, for the same reasons."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from lti.id_token import NulCharacter, read_unverified, verify_rs256
from service.demo.platform import PlatformKey

KEY = PlatformKey.generate()
OTHER = PlatformKey.generate()
NOW = int(time.time())
LEEWAY = 30


def b64(data: object) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed(claims: dict, key: PlatformKey = KEY, **headers: object) -> str:
    return key.sign(claims, headers=headers or None)


GOOD = {"iss": "https://lms.example", "sub": "1", "iat": NOW, "exp": NOW + 300}


def _swap_payload(token: str, payload: object) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{b64(payload)}.{signature}"


TOKENS = {
    "valid": signed(GOOD),
    "valid at the edge of the leeway": signed({**GOOD, "iat": NOW + 29, "exp": NOW - 29}),
    "valid with nbf": signed({**GOOD, "nbf": NOW - 10}),
    "string times": signed({**GOOD, "iat": str(NOW), "exp": str(NOW + 60)}),
    "another key": signed(GOOD, OTHER),
    "tampered claims": _swap_payload(signed(GOOD), {**GOOD, "sub": "2"}),
    "expired": signed({**GOOD, "iat": NOW - 600, "exp": NOW - 31}),
    "issued in the future": signed({**GOOD, "iat": NOW + 31, "exp": NOW + 600}),
    "not before in the future": signed({**GOOD, "nbf": NOW + 120}),
    "no exp": signed({k: v for k, v in GOOD.items() if k != "exp"}),
    "no iat": signed({k: v for k, v in GOOD.items() if k != "iat"}),
    "null exp": signed({**GOOD, "exp": None}),
    "exp not a number": signed({**GOOD, "exp": "soon"}),
    "iat not a number": signed({**GOOD, "iat": [1]}),
    "nbf not a number": signed({**GOOD, "nbf": "x"}),
    "payload not an object": _swap_payload(signed(GOOD), [1, 2]),
    "critical extension": signed(GOOD, crit=["exp"], exp=1),
    "junk in a segment": signed(GOOD).replace(".", ".!!!!", 1),
    "two segments": ".".join(signed(GOOD).split(".")[:2]),
    "four segments": signed(GOOD) + ".e30",
    "not base64 json": f"{b64({'alg': 'RS256'})}.bm90IGpzb24.{signed(GOOD).split('.')[2]}",
    "alg none": f"{b64({'alg': 'none'})}.{b64(GOOD)}.",
    "alg HS256": jwt.encode(GOOD, "s" * 32, algorithm="HS256"),
}


def outcome(call):
    try:
        return call()
    except jwt.InvalidTokenError as error:
        return type(error)


@pytest.mark.parametrize("name", TOKENS)
def test_same_verdict_as_pyjwt(name):
    token, public = TOKENS[name], KEY.private_key.public_key()
    ours = outcome(lambda: verify_rs256(token, public, now=time.time(), leeway=LEEWAY))
    theirs = outcome(
        lambda: jwt.decode(
            token,
            public,
            algorithms=["RS256"],
            leeway=LEEWAY,
            options={"verify_aud": False, "require": ["exp", "iat"]},
        )
    )
    if isinstance(theirs, dict):
        assert ours == theirs
    else:
        assert isinstance(ours, type) and issubclass(ours, jwt.InvalidTokenError), ours
        assert (
            issubclass(ours, theirs)
            or issubclass(theirs, ours)
            or (theirs is jwt.DecodeError and ours is jwt.DecodeError)
        ), (ours, theirs)


# -- reading the header and payload before the signature is checked ----------------------


def test_the_unverified_header_and_payload_are_read_as_they_were_signed():
    header, payload = read_unverified(signed(GOOD, kid="k1"))
    assert header["kid"] == "k1" and header["alg"] == "RS256"
    assert payload == GOOD


def test_unverified_reading_takes_segments_with_or_without_padding():
    padded = base64.urlsafe_b64encode(json.dumps({"a": "?>"}).encode()).decode()
    assert padded.endswith("=")
    assert read_unverified(f"{b64({'alg': 'RS256'})}.{padded}.sig")[1] == {"a": "?>"}


@pytest.mark.parametrize(
    "token",
    [
        "",
        "one.two",
        "a.b.c.d",
        f"{b64({'alg': 'RS256'})}.{b64(b'not json')}.sig",
        f"{b64(b'{')}.{b64(GOOD)}.sig",
        f"{b64({'alg': 'RS256'})}.{b64(bytes([0xFF, 0xFE]))}.s",
        f"{b64({'alg': 'RS256'})}.{b64(b'[' * 100_000)}.sig",  # nested past the parser
    ],
    ids=[
        "empty",
        "two parts",
        "four parts",
        "payload not JSON",
        "header not JSON",
        "payload not UTF-8",
        "nested too deep",
    ],
)
def test_unreadable_tokens_are_a_decode_error(token):
    with pytest.raises(jwt.DecodeError):
        read_unverified(token)


def test_unverified_values_need_not_be_objects_the_validator_says_which_is_not():
    assert read_unverified(f"{b64([1])}.{b64('text')}.sig") == ([1], "text")


@pytest.mark.parametrize(
    "payload",
    [{"sub": "a\x00b"}, {"a\x00": 1}, {"deep": [{"er": ["\x00"]}]}],
    ids=["value", "key", "nested"],
)
def test_a_part_holding_a_nul_character_is_refused_by_name(payload):
    with pytest.raises(NulCharacter) as refused:
        read_unverified(f"{b64({'alg': 'RS256'})}.{b64(payload)}.sig")
    assert refused.value.part == "payload"
    with pytest.raises(NulCharacter) as refused:
        read_unverified(f"{b64({'alg': 'RS256', 'kid': chr(0)})}.{b64(GOOD)}.sig")
    assert refused.value.part == "header"


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul():
    payload = {"note": "\\u0000 is how JSON writes a NUL"}
    assert "\\\\u0000" in json.dumps(payload)
    assert read_unverified(f"{b64({'alg': 'RS256'})}.{b64(payload)}.sig")[1] == payload
