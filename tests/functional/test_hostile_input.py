"""Every route, sent a corpus of bad values, answers below 500 and changes nothing.

The routes come from `app.url_map`, so a new route is covered the day it is added. Each
one is called with its URL arguments replaced by huge, negative, unicode, empty, long and
traversal values, with every method it allows and one it does not, and with query strings
and form bodies of hostile values, as an anonymous visitor and as a signed-in learner,
teacher and admin (each with a valid CSRF token, so the checks behind it run too).
Values are paired deterministically: the corpus is sampled, not multiplied out.

Refused launches are recorded in the launch log by design: that table is left out of the
row counts, and its values are checked to stay short instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import cycle
from urllib.parse import quote

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import TextClause, func, literal_column, select, text
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule

from lti.launch_log import MAX_REASON
from lti.models import LaunchRecord
from paths.db import Base
from tests.functional.admin_browser import AdminBrowser
from tests.functional.conftest import LtiBrowser
from tests.functional.learner_pages import assign_demo_path
from tests.platform import LEARNER, TEACHER

NUMBERS = ["0", "-1", str(2**31), str(2**63), str(10**20), "9" * 5000]
BIG = NUMBERS[2:]  # beyond a 32-bit id: sent to every integer argument
TEXTS = [
    "",
    "٣",
    "\u202eטקסט\u200f",
    "😀🇻🇳",
    "\x00\x07\x1b\x7f",
    "A" * 100_000,
    "../../etc/passwd",
    "..%2f..%2f",
    "<script>alert(1)</script>",
    "%",
    "a[b][c]",
    "' OR 1=1 --",
    "NaN",
    "1e400",
    "²",
]
VALUES = NUMBERS + TEXTS
# Every field name a Selfpath form or query reads, so hostile values reach the parsers:
# those of the pages, and those of the LTI and demo LMS endpoints.
PAGE_FIELDS = [
    "enrollment_id",
    "path_id",
    "platform",
    "outcome",
    "page",
    "version",
    "confidence",
    "reflection",
    "minutes_per_week",
    "target_date",
    "due_date",
    "pacing_minutes_per_week",
    "question",
    "answer",
    "predicted",
    "q1",
    "title",
    "description",
    "language",
    "kind",
    "minutes",
    "threshold",
    "direction",
    "prompt",
    "choice_1",
    "correct",
    "accepted",
    "skill",
    "resource_url",
    "prerequisites",
    "remedial_for",
    "path-1",
    "path",
    "cancel",
    "username",
    "password",
    "sp",
]
LTI_FIELDS = [
    "state",
    "id_token",
    "lti_storage_binding",
    "error",
    "error_description",
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
    "lti_storage_target",
    "openid_configuration",
    "registration_token",
    "storage",
    "JWT",
    "sp",
    "nonce",
    "redirect_uri",
]
QUERY_FIELDS = ["page", "platform", "outcome", "version", "path_id", "sp", "lang"]
FIELDS = PAGE_FIELDS + LTI_FIELDS
BODIES = [
    MultiDict({"a[b][c]": "x", "a[]": "1", "__proto__": "x", "x" * 5000: "y"}),
    MultiDict(
        [
            ("path_id", "1"),
            ("path_id", "2"),
            ("enrollment_id", "-1"),
            ("enrollment_id", "x"),
            ("version", str(10**20)),
            ("version", ""),
        ]
    ),
    MultiDict(
        {
            "confidence": "five",
            "minutes_per_week": "1e400",
            "due_date": "2024-13-45",
            "target_date": "99999-01-01",
            "version": "NaN",
            "threshold": "inf",
        }
    ),
    MultiDict(dict.fromkeys(FIELDS, "9" * 30)),
    MultiDict(dict.fromkeys(FIELDS, "\x00😀\u202e" * 3)),
    MultiDict(dict.fromkeys(FIELDS[:20], "-" + "9" * 30)),
]
WRONG_METHOD = {"GET": "DELETE", "POST": "PUT"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Only the signed-out visitor signs out or signs in: the other sessions must survive the run.
SESSION_ENDPOINTS = {"admin.logout", "admin.login"}
# Buttons that take no fields (a key rotation makes an RSA key): not swept field by field.
NO_FIELDS = {"admin.rotate_keys"}


@dataclass
class Visitor:
    name: str
    client: FlaskClient
    csrf: str
    home: tuple[str, ...]  # the prefixes of the pages this visitor owns


def csrf_of(client: FlaskClient, page: str) -> str:
    g.pop("csrf_token", None)  # requests share the test's app context
    match = CSRF.search(client.get(page).get_data(as_text=True))
    assert match, page
    return match.group(1)


@pytest.fixture
def visitors(app, platform, session) -> list[Visitor]:
    assign_demo_path(session, platform)
    learner = LtiBrowser(app.test_client())
    assert learner.launch(platform, LEARNER).status_code == 303
    teacher = LtiBrowser(app.test_client())
    assert teacher.launch(platform, TEACHER).status_code == 303
    admin = AdminBrowser(app.test_client())
    assert admin.sign_in().status_code == 302
    anonymous = app.test_client()
    return [
        Visitor(
            "anonymous",
            anonymous,
            csrf_of(anonymous, "/admin/login"),
            ("/lti", "/demo", "/healthz"),
        ),
        Visitor("learner", learner.client, csrf_of(learner.client, "/path"), ("/path",)),
        Visitor("teacher", teacher.client, csrf_of(teacher.client, "/teach"), ("/teach",)),
        Visitor("admin", admin.client, csrf_of(admin.client, "/admin/"), ("/admin",)),
    ]


@cache
def counting_query() -> TextClause:
    """One statement counting the rows of every table but the launch log, as plain SQL
    (built once: thousands of requests are checked)."""
    tables = [t for t in Base.metadata.sorted_tables if t.name != LaunchRecord.__tablename__]
    counts = ", ".join(f'(SELECT count(*) FROM "{t.name}") AS "{t.name}"' for t in tables)
    return text(f"SELECT {counts}")


def row_counts(session) -> dict[str, int]:
    session.expire_all()
    return dict(session.execute(counting_query()).one()._mapping)


def plain_value(rule: Rule, argument: str, plausible: dict[str, str]) -> str:
    converter = rule._converters[argument]
    choices = getattr(converter, "items", None)  # `any(...)`: the first allowed word
    return sorted(choices)[0] if choices else plausible.get(argument, "1")


def urls_of(rule: Rule, plausible: dict[str, str], seed: int) -> Iterator[str]:
    """The rule's URL with plausible arguments, then with corpus values in each argument
    in turn: every big number in an integer argument, and a window of the corpus that
    moves on from rule to rule (so every value is sent somewhere, and not everywhere)."""
    plain = {a: plain_value(rule, a, plausible) for a in rule.arguments}
    yield build(rule, plain)
    for number, argument in enumerate(sorted(rule.arguments)):
        integer = rule._converters[argument].regex.startswith(r"\d")
        start = (seed * 5 + number * 3) % len(VALUES)
        window = (VALUES + VALUES)[start : start + (3 if integer else 6)]
        for value in (BIG if integer else []) + window:
            yield build(rule, {**plain, argument: value})


def build(rule: Rule, values: dict[str, str]) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(
            r"<(?:[^:<>]+(?:\([^)]*\))?:)?" + name + ">", quote(values[name], safe=""), url
        )
    return url


def methods_of(rule: Rule) -> list[str]:
    allowed = sorted(m for m in rule.methods or () if m not in {"HEAD", "OPTIONS"})
    return [*allowed, WRONG_METHOD[allowed[0]]]


def field_sweep(names: list[str], offset: int) -> Iterator[MultiDict]:
    """Each field alone, so that forms refusing unknown fields still reach the field's
    own parser and what follows it: with a number beyond 64 bits, a digit `int()` refuses
    (query fields), and a value of the corpus that moves on from field to field."""
    values = cycle(VALUES[offset % len(VALUES) :] + VALUES[: offset % len(VALUES)])
    fixed = [str(10**20), "²"] if names is QUERY_FIELDS else [str(10**20)]
    for name in names:
        for value in [*fixed, next(values)]:
            yield MultiDict({name: value})


def send(visitor: Visitor, method: str, url: str, data: MultiDict):
    fields = MultiDict(data)
    if method == "GET":
        return visitor.client.open(url, method=method, query_string=fields)
    fields["csrf_token"] = visitor.csrf
    return visitor.client.open(url, method=method, data=fields, query_string=data)


def check(session, visitor: Visitor, method: str, url: str, data: MultiDict) -> None:
    before = row_counts(session)
    response = send(visitor, method, url, data)
    where = f"{visitor.name} {method} {url[:120]} {dict(data)!s:.200}"
    assert response.status_code < 500, where + "\n" + response.get_data(as_text=True)[:2000]
    if response.status_code >= 400:
        assert row_counts(session) == before, where


def requests_for(
    app: Flask, visitor: Visitor, plausible: dict[str, str]
) -> Iterator[tuple[str, str, MultiDict]]:
    bodies = cycle(BODIES)
    for index, rule in enumerate(sorted(app.url_map.iter_rules(), key=lambda r: r.rule)):
        if rule.endpoint == "static" or (
            visitor.name != "anonymous" and rule.endpoint in SESSION_ENDPOINTS
        ):
            continue
        plain = build(rule, {a: plain_value(rule, a, plausible) for a in rule.arguments})
        *allowed, wrong = methods_of(rule)
        yield wrong, plain, next(bodies)
        owner = rule.rule.startswith(visitor.home)
        for method in allowed:
            # others' pages stop at the sign-in check: a few URLs each are enough there
            urls = list(urls_of(rule, plausible, index))
            for url in urls if owner else urls[:3]:
                yield method, url, next(bodies)
            if owner and rule.endpoint not in NO_FIELDS:
                names = (
                    LTI_FIELDS
                    if visitor.name == "anonymous"
                    else PAGE_FIELDS
                    if method == "POST"
                    else QUERY_FIELDS
                )
                for data in field_sweep(names, index):
                    yield method, plain, data


def test_no_route_answers_a_bad_value_with_a_5xx_or_a_change(app, session, visitors, monkeypatch):
    roomy = app.extensions["selfpath.settings"].with_changes(
        lti_login_rate_limit="100000 per minute"
    )
    monkeypatch.setitem(app.extensions, "selfpath.settings", roomy)
    teacher = visitors[2]
    created = teacher.client.post(
        "/teach/paths", data={"csrf_token": teacher.csrf, "title": "Cells", "language": "en"}
    )
    path_id = re.search(r"/teach/paths/(\d+)", created.headers["Location"]).group(1)
    # ids of no admin row: an admin action on a real one (delete) would end the others'
    # sessions, and is a valid request anyway
    plausible = {
        "path_id": path_id,
        "platform_id": "99999",
        "row_id": "99999",
        "number": "1",
        "key": "search-basics",
        "skill": "search",
        "filename": "x",
    }
    sent = 0
    for visitor in visitors:
        for method, url, data in requests_for(app, visitor, plausible):
            check(session, visitor, method, url, data)
            sent += 1
    assert sent > 2000
    for visitor, page in zip(visitors[1:], ("/path", "/teach", "/admin/"), strict=True):
        assert visitor.client.get(page).status_code == 200, f"{visitor.name} signed out"
    longest = session.scalar(
        select(func.max(func.length(literal_column("reason")))).select_from(LaunchRecord)
    )
    assert longest is not None and longest <= MAX_REASON + 40
