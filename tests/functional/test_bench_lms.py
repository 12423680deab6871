"""The benchmark LMS (bench/lms.py): its launches carry the AGS claim once its gradebook is
open, its gradebook takes scores from the tool's own grade worker over loopback HTTP, and
the load test's check finds a score that did not arrive."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator

import jwt
import pytest
from werkzeug.wrappers import Request, Response

from bench import gradebook_check
from bench.lms import EXT, LIS, MOODLE_SITE, BenchLms, learner, published_keys
from lti import claims
from lti.addresses import PUBLIC_ONLY, AddressRule
from lti.ags_endpoint import SCORE
from lti.launch import Launch
from lti.outbound import Outbound
from lti.service_urls import service_url_problem
from tests.conftest import TOOL_BASE
from tests.fake_lms import tool_key_set
from tests.grades import drain, finish, learners, linked_activity
from tests.platform import auth_request


@pytest.fixture
def lms(session) -> Iterator[BenchLms]:
    bench_lms = BenchLms()
    bench_lms.register(session)
    session.commit()
    yield bench_lms
    bench_lms.close()


@pytest.fixture
def opened(lms, database_url):
    keys = tool_key_set(database_url)
    lms.open_gradebook(keys)
    yield lms
    keys.engine.dispose()  # type: ignore[attr-defined]


def unverified(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_launches_name_the_moodle_sites_gradebook_until_the_bench_gradebook_is_open(
    lms, database_url
):
    who = learner(1)
    before = unverified(lms.id_token("n-1", TOOL_BASE, who))[claims.AGS_ENDPOINT]
    assert before["lineitems"].startswith(MOODLE_SITE + "/mod/lti/services.php/course-1/")

    keys = tool_key_set(database_url)
    lms.open_gradebook(keys)
    ags = unverified(lms.id_token("n-2", TOOL_BASE, who))[claims.AGS_ENDPOINT]
    assert ags["lineitem"].startswith(lms.issuer + "/ags/lineitems/1/")
    assert SCORE in ags["scope"] and ags["lineitems"].startswith(lms.issuer)
    again = unverified(lms.id_token("n-3", TOOL_BASE, learner(2)))[claims.AGS_ENDPOINT]
    other = unverified(lms.id_token("n-4", TOOL_BASE, learner(3, course=2)))[claims.AGS_ENDPOINT]
    assert again["lineitem"] == ags["lineitem"] != other["lineitem"]  # one per resource link
    keys.engine.dispose()  # type: ignore[attr-defined]


def test_a_bench_launch_then_a_completion_reaches_the_bench_gradebook(
    client, session, opened, worker
):
    from tests.functional.learner_pages import assign_demo_path, post

    assign_demo_path(session, opened.platform)
    who = learner(7)
    login = client.post("/lti/login", data=opened.login_params(TOOL_BASE, who))
    auth = auth_request(login.headers["Location"])
    landing = client.post(
        "/lti/launch",
        data={"id_token": opened.id_token(auth["nonce"], TOOL_BASE, who), "state": auth["state"]},
    )
    assert landing.status_code == 303
    post(client, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")

    drain(worker, session)
    book = opened.gradebook
    assert book.token_requests == 1 and book.refused_tokens == []
    [(cell, got)] = book.latest_scores().items()
    assert cell == (opened.line_item("link-1"), "learner-7") and got.score_given == 10.0
    result = gradebook_check.compare(gradebook_check.expected_scores(session), book.latest_scores())
    assert (result.expected, result.shown, result.missing, result.wrong) == (1, 1, [], [])


def test_the_check_finds_every_latest_score_after_the_worker_drained(
    session, opened, worker, database_url
):
    book = opened.gradebook
    activity = linked_activity(session, opened.platform, book.claim(opened.line_item("link-1")))
    people = learners(session, opened.platform, activity, 4)
    drain(worker, session)
    finish(session, people[0], "search-queries")  # a newer score after the first was sent
    session.commit()
    drain(worker, session)

    result = gradebook_check.check(
        database_url, book.latest_scores(), len(book.received), drain_seconds=0.0
    )
    assert result.ok and (result.expected, result.shown, result.posts) == (4, 4, 5)
    assert (result.pending, result.held) == (0, 0)


def test_the_check_reports_a_score_the_lms_refused_as_missing(
    session, opened, worker, database_url
):
    book = opened.gradebook
    activity = linked_activity(session, opened.platform, book.claim(opened.line_item("link-1")))
    learners(session, opened.platform, activity, 3)
    book.scripted.append((400, {"Content-Type": "application/json"}, '{"error": "no"}'))
    drain(worker, session)  # one score is refused and held, the others are sent

    drained = gradebook_check.wait_for_drain(database_url, seconds=1.0, poll=0.05)
    result = gradebook_check.check(database_url, book.latest_scores(), len(book.received), drained)
    assert drained is not None  # a held score does not wait in the queue
    assert not result.ok and (result.expected, result.shown, result.held) == (3, 2, 1)
    [missing] = result.missing
    assert missing.startswith("link-1-u") and "missing: 1;" in result.lines(1.0)[0]


def test_the_check_reports_a_queue_that_does_not_drain_in_time(session, opened, database_url):
    book = opened.gradebook
    activity = linked_activity(session, opened.platform, book.claim(opened.line_item("link-1")))
    learners(session, opened.platform, activity, 2)  # no worker runs

    drained = gradebook_check.wait_for_drain(database_url, seconds=0.2, poll=0.05)
    result = gradebook_check.check(database_url, book.latest_scores(), 0, drained)
    assert drained is None and result.pending == 2 and len(result.missing) == 2
    assert "not within 0.2 s (2 still pending)" in result.lines(0.2)[0]


def test_published_keys_reads_the_tools_key_set_over_http(platform_server):
    document = {"keys": [{"kid": "k1", "kty": "RSA"}]}
    seen: list[str | None] = []

    def jwks(request: Request) -> Response:
        seen.append(request.headers.get("X-Forwarded-Proto"))
        return Response(json.dumps(document), mimetype="application/json")

    platform_server.routes["/tool/lti/jwks"] = jwks
    read = published_keys(
        platform_server.base_url + "/tool/lti/jwks", {"X-Forwarded-Proto": "https"}
    )
    assert read() == document and seen == ["https"]


def test_a_bench_launch_is_shaped_like_moodles_and_passes_the_production_checks(lms):
    body = unverified(lms.id_token("n-1", TOOL_BASE, learner(7, course=2)))
    assert service_url_problem(body, PUBLIC_ONLY) is None  # public https:// service addresses
    assert body[EXT]["lms"] == "moodle-2" and body[LIS]["course_section_sourcedid"] == "course-2"
    assert (body["given_name"], body["family_name"]) == ("Learner", "7")
    launch = Launch.from_claims(body, platform_id=1, client_id="bench-client")
    assert launch.custom["course_id"] == "course-2"
    assert launch.ags is not None and len(launch.ags["scope"]) == 4
    assert launch.nrps is not None and launch.nrps["context_memberships_url"].endswith(
        "/CourseSection/course-2/bindings/1/memberships"
    )
    assert launch.return_url is not None and launch.return_url.startswith(MOODLE_SITE)


def test_the_clusters_lms_serves_https_that_production_calls_once_its_network_is_named(
    tmp_path, database_url
):
    secure = BenchLms(tls_folder=tmp_path)
    try:
        secure.open_gradebook(tool_key_set(database_url))
        assert secure.jwks_url.startswith("https://127.0.0.1:") and secure.ca_bundle
        ags = unverified(secure.id_token("n-1", TOOL_BASE, learner(1)))[claims.AGS_ENDPOINT]
        school = AddressRule(
            public_only=True, private_networks=(ipaddress.ip_network("127.0.0.1"),)
        )
        assert service_url_problem({claims.AGS_ENDPOINT: ags}, school) is None
        assert service_url_problem({claims.AGS_ENDPOINT: ags}, PUBLIC_ONLY) is not None
        http = Outbound(addresses=school, ca_bundle=str(secure.ca_bundle))
        keys = http.get(secure.jwks_url, timeout=5, max_bytes=1 << 20).json()
        assert [k["kid"] for k in keys["keys"]] == [secure.key.kid]
    finally:
        secure.close()
