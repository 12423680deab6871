"""What a learner's requests cost: a small, fixed number of SQL statements however long
the path, and no write when a page is only read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paths.authoring import PathDraft, QuestionDraft, StepDraft, create_path
from paths.db import utcnow
from paths.enrollment import Assignment, assign
from service.extensions import db
from tests.functional.learner_pages import page_of, token
from tests.statements import counted

# one statement: the learner with their activity, assignment, path version and enrollment,
# and their learner state (progress, mastery per skill and review cards) with the count of
# their events that proves it current (paths/learner_state.py; the version's steps and
# questions are read once per process: paths/published.py; the fitted parameters once a
# minute: paths.study.skills.FittedModels)
LEARNER_PAGE_STATEMENTS = 1
# the same read, then the completion (already there) and the confidence rating in one
# insert, and the learner state written at the commit
STEP_RECOMPLETION_STATEMENTS = 3
# ... the mastery the study moves (one upsert, from the state held: no read); and the
# gradebook score: inserted if absent and locked (one upsert), then updated by a statement
# that counts the events under the lock and applies only if the state held accounts for
# every one (paths.scores: otherwise they are counted and derived, two statements more)
STEP_COMPLETION_STATEMENTS = STEP_RECOMPLETION_STATEMENTS + 3
# the same read, the attempt, mastery, review card (each one upsert), the score (two) and
# the learner state; the reviews due for the step the result page offers next come from it
CHECKPOINT_STATEMENTS = 7


def long_path(checkpoints: int) -> PathDraft:
    steps = []
    for n in range(checkpoints * 10):
        checkpoint = n % 10 == 9
        steps.append(
            StepDraft(
                key=f"s{n}",
                kind="checkpoint" if checkpoint else "read",
                title=f"Step {n}",
                skills=(f"skill-{n // 10}",),
                prerequisites=(f"s{n - 1}",) if n else (),
                mastery_threshold=0.5 if checkpoint else None,
                questions=(QuestionDraft(kind="choice", prompt="?", answer=0, choices=("a", "b")),)
                if checkpoint
                else (),
            )
        )
    return PathDraft(title="A long path", steps=tuple(steps))


def statements_of(client, method: str, url: str, **kwargs) -> list[str]:
    # The tests' requests share one session: empty it, as a new request's would be.
    db.session.expunge_all()
    with counted(db.engine) as statements:
        response = client.open(url, method=method, **kwargs)
    assert response.status_code < 400, response.get_data(as_text=True)
    return statements


@pytest.mark.parametrize("checkpoints", [0, 20])
def test_learner_page_statements_do_not_grow_with_the_path(learner, session, checkpoints):
    if checkpoints:  # the same activity now has a 200-step path with 20 checkpoints
        assignment = session.scalars(select(Assignment)).one()
        version = create_path(session, long_path(checkpoints), now=utcnow(), tenant_id=None)
        assign(session, assignment.activity_id, version, assigned_by=None, now=utcnow())
        session.commit()
    assert "Take the placement check" in page_of(learner, "/path")
    statements = statements_of(learner, "GET", "/path")
    assert len(statements) <= LEARNER_PAGE_STATEMENTS, "\n".join(statements)


def test_a_returning_learners_page_writes_nothing(learner):
    page_of(learner, "/path")  # the first page enrolls the learner
    statements = statements_of(learner, "GET", "/path")
    assert not [s for s in statements if not s.lstrip().upper().startswith("SELECT")], statements


def test_step_completion_statements_are_bounded(learner):
    csrf = token(page_of(learner, "/path"))
    form = {"csrf_token": csrf, "confidence": "4"}
    first = statements_of(learner, "POST", "/path/steps/search-basics/done", data=form)
    again = statements_of(learner, "POST", "/path/steps/search-basics/done", data=form)
    assert len(first) <= STEP_COMPLETION_STATEMENTS, "\n".join(first)
    assert len(again) <= STEP_RECOMPLETION_STATEMENTS, "\n".join(again)


def test_checkpoint_statements_are_bounded(learner):
    csrf = token(page_of(learner, "/path"))
    for key in ("search-basics", "search-queries"):
        learner.post(f"/path/steps/{key}/done", data={"csrf_token": csrf})
    statements = statements_of(
        learner,
        "POST",
        "/path/steps/check-search/checkpoint",
        data={"csrf_token": csrf, "q0": "1", "q1": "0"},
    )
    assert len(statements) <= CHECKPOINT_STATEMENTS, "\n".join(statements)
