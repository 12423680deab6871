"""A published version's steps are read once per process and shared: plain values with
every column of their rows, belonging to no session."""

from sqlalchemy import inspect

from paths.catalog import Question, Step
from paths.published import PublishedQuestion, PublishedStep, published_steps
from tests.statements import counted


def test_the_steps_are_read_once_then_shared(session, enrollment):
    version = enrollment.assignment.version
    with counted(session.get_bind()) as first:
        steps = published_steps(session, version)
    assert len(first) == 2  # the steps, then the checkpoints' questions
    with counted(session.get_bind()) as again:
        assert published_steps(session, version) is steps
    assert again == []
    assert [s.position for s in steps] == sorted(s.position for s in steps)
    checkpoint = next(s for s in steps if s.is_checkpoint)
    assert [q.position for q in checkpoint.questions] == [0, 1, 2]
    assert all(s.questions == () for s in steps if not s.is_checkpoint)


def test_shared_steps_belong_to_no_session_and_do_not_follow_the_request(session, enrollment):
    steps = published_steps(session, enrollment.assignment.version)
    assert all(isinstance(s, PublishedStep) for s in steps)
    session.expire_all()
    session.commit()
    assert steps[0].title and steps[0].skills  # still readable after the request's commit


def test_a_published_step_and_question_carry_every_column_of_their_rows(session, enrollment):
    steps = published_steps(session, enrollment.assignment.version)
    checkpoint = next(s for s in steps if s.is_checkpoint)
    for value, model in ((checkpoint, Step), (checkpoint.questions[0], Question)):
        row = session.get(model, value.id)
        for column in inspect(model).column_attrs:
            assert getattr(value, column.key) == getattr(row, column.key), column.key
    assert isinstance(checkpoint.questions[0], PublishedQuestion)


def test_published_steps_compare_as_themselves(session, enrollment):
    first, second = published_steps(session, enrollment.assignment.version)[:2]
    assert first == first and first != second
    assert len({first, second, first}) == 2  # hashable, by identity, as mapped rows were


def test_the_shared_copies_do_not_follow_changes_to_a_sessions_rows(session, enrollment):
    shared = published_steps(session, enrollment.assignment.version)
    row = session.get(Step, shared[0].id)
    row.skills.append("invented")
    row.title = "Changed in one request"
    assert "invented" not in shared[0].skills and shared[0].title != row.title
    session.rollback()
