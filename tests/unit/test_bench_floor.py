"""The benchmark's floor page does what a learner page's least work is: a signed session,
one read, forty steps rendered and escaped."""

from __future__ import annotations

from bench.floor import STEPS, app


def test_a_signed_in_learner_gets_every_step_escaped():
    client = app.test_client()
    client.get("/floor/sign-in/7")
    page = client.get("/floor/page").get_data(as_text=True)
    assert page.count("<li ") == STEPS and "fractions &amp; decimals" in page


def test_without_a_session_the_floor_page_is_refused():
    assert app.test_client().get("/floor/page").status_code == 403
