"""A session's form token is signed once and carried by each of its pages; Flask-WTF's
check accepts it, refuses another session's, and a time limit brings back a signature per
page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import flask_wtf.csrf as flask_wtf_csrf
import pytest
from flask import session as flask_session
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.serializer import Serializer

from service import form_tokens
from service.form_tokens import SALT, SignedTokens, form_token
from tests.functional.learner_pages import events, page_of, token


@pytest.fixture
def signatures(monkeypatch) -> list[object]:
    """The form-token secrets signed while the test runs."""
    signed: list[object] = []
    dumps = Serializer.dumps

    def counted(self, obj, salt=None):  # type: ignore[no-untyped-def]
        if self.salt == SALT.encode():
            signed.append(obj)
        return dumps(self, obj, salt)

    monkeypatch.setattr(Serializer, "dumps", counted)
    return signed


def test_the_pages_of_one_session_carry_one_token_signed_once(learner, signatures):
    first = token(page_of(learner, "/path"))
    assert token(page_of(learner, "/path/steps/search-basics")) == first
    assert token(page_of(learner, "/path")) == first
    assert len(signatures) == 1


def test_the_token_a_page_carries_is_accepted_and_a_tampered_one_refused(learner, session):
    carried = token(page_of(learner, "/path"))
    before = events(session)
    refused = learner.post(
        "/path/steps/search-basics/done", data={"csrf_token": carried[:-2] + "xx"}
    )
    assert refused.status_code == 400
    assert events(session) == before
    done = learner.post("/path/steps/search-basics/done", data={"csrf_token": carried})
    assert done.status_code == 303
    assert events(session) == before + 1


def test_another_secret_gets_its_own_token_and_the_old_one_is_refused(learner, session):
    old = token(page_of(learner, "/path"))
    with learner.session_transaction() as browser_session:
        browser_session["csrf_token"] = "another session's secret"
    new = token(page_of(learner, "/path"))
    assert new != old
    before = events(session)
    stale = learner.post("/path/steps/search-basics/done", data={"csrf_token": old})
    assert stale.status_code == 400
    assert events(session) == before
    done = learner.post("/path/steps/search-basics/done", data={"csrf_token": new})
    assert done.status_code == 303


def test_with_a_time_limit_every_page_signs_its_token(app, learner, monkeypatch, signatures):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    page_of(learner, "/path")
    page_of(learner, "/path")
    assert len(signatures) == 2


def test_a_session_without_a_secret_is_given_one(app):
    with app.test_request_context("/"):
        signed = form_token()
        secret = flask_session[form_tokens.FIELD]
        assert isinstance(secret, str) and len(secret) == 40
        assert flask_session.modified
        assert form_token() == signed  # the same request: the same token


def test_a_secret_of_another_type_in_the_session_is_replaced(app):
    with app.test_request_context("/"):
        flask_session[form_tokens.FIELD] = ["not", "a", "secret"]
        form_token()
        assert isinstance(flask_session[form_tokens.FIELD], str)


def test_only_the_latest_signatures_are_kept(signatures):
    tokens = SignedTokens("k" * 40, kept=2)
    tokens.signed("one")
    tokens.signed("two")
    tokens.signed("three")
    assert len(tokens) == 2
    assert signatures == ["one", "two", "three"]
    tokens.signed("three")  # still held
    assert signatures == ["one", "two", "three"]
    tokens.signed("one")  # no longer held: signed again
    assert signatures == ["one", "two", "three", "one"]
    assert len(tokens) == 2


def test_a_launch_gives_the_session_its_secret_so_the_page_it_lands_on_keeps_the_cookie(
    learner, session
):
    landed = learner.get("/path")  # the `learner` fixture has just launched
    assert landed.status_code == 200
    assert not [c for c in landed.headers.getlist("Set-Cookie") if "selfpath_session" in c]
    before = events(session)
    done = learner.post(
        "/path/steps/search-basics/done", data={"csrf_token": token(landed.get_data(as_text=True))}
    )
    assert done.status_code == 303 and events(session) == before + 1


def test_a_new_launch_gives_a_new_secret(browser, platform, learner):
    with learner.session_transaction() as first:
        old = first[form_tokens.FIELD]
    assert browser.launch(platform).status_code == 303
    with learner.session_transaction() as second:
        assert isinstance(second[form_tokens.FIELD], str) and second[form_tokens.FIELD] != old


def test_threads_signing_at_once_keep_the_bound():
    tokens = SignedTokens("k" * 40, kept=8)
    with ThreadPoolExecutor(4) as pool:
        signed = list(pool.map(tokens.signed, [f"secret-{n}" for n in range(400)]))
    assert len(set(signed)) == 400 and len(tokens) == 8


# -- the check: a token held for the session's secret is compared, not verified again -------
@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """The tokens Flask-WTF verified while the test runs."""
    verified: list[str] = []
    real = flask_wtf_csrf.validate_csrf

    def counted(data, *args, **kwargs):  # type: ignore[no-untyped-def]
        verified.append(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(flask_wtf_csrf, "validate_csrf", counted)
    return verified


def done(learner, csrf: str):
    return learner.post("/path/steps/search-basics/done", data={"csrf_token": csrf})


def signed_elsewhere(app, learner) -> str:
    """The session's secret as another worker signed it a minute ago (another signature,
    as good)."""
    with learner.session_transaction() as browser_session:
        secret = browser_session[form_tokens.FIELD]
    signer = URLSafeTimedSerializer(app.secret_key, salt=SALT, signer=_MinuteAgo)
    return str(signer.dumps(secret))


class _MinuteAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return super().get_timestamp() - 60


def test_the_token_this_process_signed_is_compared_not_verified_again(learner, verifications):
    carried = token(page_of(learner, "/path"))
    assert done(learner, carried).status_code == 303
    assert verifications == []


def test_a_token_another_worker_signed_is_verified_once_then_held(app, learner, verifications):
    page_of(learner, "/path")
    theirs = signed_elsewhere(app, learner)
    assert theirs != token(page_of(learner, "/path"))
    assert done(learner, theirs).status_code == 303
    assert (
        learner.post("/path/steps/search-basics/done", data={"csrf_token": theirs}).status_code
        == 303
    )
    assert verifications == [theirs]
    assert token(page_of(learner, "/path")) == theirs  # as good as ours: the pages carry it


def test_a_forged_token_is_refused_and_not_held(learner, session, verifications):
    carried = token(page_of(learner, "/path"))
    forged = carried[:-2] + ("xx" if not carried.endswith("xx") else "yy")
    before = events(session)
    assert done(learner, forged).status_code == 400
    assert done(learner, forged).status_code == 400
    assert verifications == [forged, forged] and events(session) == before
    assert token(page_of(learner, "/path")) == carried


def test_a_token_held_for_another_secret_is_refused(learner, session):
    old = token(page_of(learner, "/path"))  # held for the first secret
    with learner.session_transaction() as browser_session:
        browser_session["csrf_token"] = "another session's secret"
    token(page_of(learner, "/path"))
    before = events(session)
    assert done(learner, old).status_code == 400 and events(session) == before


def test_with_a_time_limit_every_token_is_verified(app, learner, monkeypatch, verifications):
    carried = token(page_of(learner, "/path"))
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    assert done(learner, carried).status_code == 303
    assert verifications == [carried]
