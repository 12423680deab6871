"""The benchmark's floor for a learner page: the least the issue's design asks of one, in
the same stack, served like Selfpath.

A signed Flask session cookie decoded, one indexed read of a learner's state (SQLAlchemy
Core, a compiled statement), and a Jinja template (autoescaped) of forty steps rendered: no
LTI, no translations, no security headers, no logging. What a Selfpath page costs beyond
this floor is Selfpath's; what the floor costs beyond hello is the stack's.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask, abort, session
from sqlalchemy.pool import StaticPool

STEPS = 40
LEARNERS = 50

app = Flask(__name__)
app.secret_key = "the floor's own key: it signs nothing but its own benchmark cookies"

_metadata = sa.MetaData()
_states = sa.Table(
    "learner_states",
    _metadata,
    sa.Column("enrollment_id", sa.Integer, primary_key=True),
    sa.Column("state", sa.Text, nullable=False),
)
_engine = sa.create_engine("sqlite://", poolclass=StaticPool)
_read = sa.select(_states.c.state).where(_states.c.enrollment_id == sa.bindparam("learner"))
_page = app.jinja_env.from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/selfpath.css"></head><body><main><h1>{{ title }}</h1>
<ol class="map steps">{% for step in steps %}
<li class="s-{{ step.status }}" data-step="{{ step.key }}"><a href="{{ step.url }}">
{{ step.title }}</a><br><span class="muted">{{ step.note }} · {{ step.details }}</span></li>
{% endfor %}</ol></main></body></html>"""
)


def _state(learner: int) -> str:
    return json.dumps(
        [
            {
                "key": f"step-{n}",
                "title": f"Step {n}: fractions & decimals",
                "url": f"/path/steps/step-{n}",
                "status": "done" if n < learner % STEPS else "available",
                "note": "Done" if n < learner % STEPS else "Available",
                "details": "Read · 10 min",
            }
            for n in range(STEPS)
        ]
    )


_metadata.create_all(_engine)
with _engine.begin() as connection:
    connection.execute(
        _states.insert(), [{"enrollment_id": n, "state": _state(n)} for n in range(LEARNERS)]
    )


@app.get("/floor/health")
def health() -> str:
    return "ok"


@app.get("/floor/sign-in/<int:learner>")
def sign_in(learner: int) -> str:
    session["learner"] = learner % LEARNERS
    return "signed in"


@app.get("/floor/page")
def page() -> str:
    learner = session.get("learner")
    if learner is None:
        abort(403)
    with _engine.connect() as connection:
        state = connection.execute(_read, {"learner": learner}).scalar_one()
    return _page.render(title="Fractions", steps=json.loads(state))
