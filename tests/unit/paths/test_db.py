"""insert_or_get: the row with a natural key, inserted once whoever asks first."""

from sqlalchemy import func, inspect, select

from paths.db import insert_or_get, utcnow
from paths.people import User

ISSUER = "https://lms.example"


def test_a_new_row_is_inserted_and_tracked_by_the_session(session):
    user = insert_or_get(
        session,
        User,
        {
            "issuer": ISSUER,
            "subject": "s1",
            "name": "Lan",
            "created_at": utcnow(),
            "last_seen_at": utcnow(),
        },
        ["issuer", "subject"],
    )
    assert user.id is not None and inspect(user).persistent
    user.name = "Lan Pham"  # later changes are written like those of any loaded row
    session.commit()
    session.expire_all()
    assert session.scalars(select(User.name)).one() == "Lan Pham"


def test_an_existing_row_is_returned_unchanged(session):
    first = insert_or_get(
        session, User, {"issuer": ISSUER, "subject": "s1", "name": "Lan"}, ["issuer", "subject"]
    )
    session.commit()
    session.expunge_all()  # as in another request, which has not seen the first row
    again = insert_or_get(
        session, User, {"issuer": ISSUER, "subject": "s1", "name": "Minh"}, ["issuer", "subject"]
    )
    assert (again.id, again.name) == (first.id, "Lan")
    assert session.scalar(select(func.count()).select_from(User)) == 1
