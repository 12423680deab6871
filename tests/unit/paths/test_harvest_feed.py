"""The library as harvesters read it: every entry whatever its status, in a window of change
times, by language and subject, paged by (change time, id)."""

from datetime import UTC, datetime, timedelta

from paths.library.harvest_feed import (
    FeedPosition,
    FeedWindow,
    earliest_change,
    feed_entry,
    feed_page,
    feed_size,
)
from paths.library.models import LISTED, WITHDRAWN, LibraryEntry

T0 = datetime(2025, 3, 1, 8, 0, 0, 250_000, tzinfo=UTC)


def entry(session, n, *, minutes, language="en", subject=None, status=LISTED):
    row = LibraryEntry(
        uuid=f"00000000-0000-4000-8000-{n:012d}",
        title=f"P{n}",
        language=language,
        subject=subject,
        licence="CC BY 4.0",
        credit="C",
        status=status,
        created_at=T0,
        updated_at=T0 + timedelta(minutes=minutes),
    )
    session.add(row)
    session.flush()
    return row


def titles(entries):
    return [e.title for e in entries]


def test_pages_follow_change_time_then_id_and_keep_entries_no_longer_offered(session):
    assert earliest_change(session) is None
    later = entry(session, 1, minutes=5)
    first = entry(session, 2, minutes=0, status=WITHDRAWN)
    tie = entry(session, 3, minutes=5)
    everything = FeedWindow()
    assert titles(feed_page(session, everything, None, 10)) == ["P2", "P1", "P3"]
    assert titles(feed_page(session, everything, None, 2)) == ["P2", "P1"]
    after_tie = FeedPosition(later.updated_at, later.id)
    assert titles(feed_page(session, everything, after_tie, 2)) == ["P3"]
    assert feed_page(session, everything, FeedPosition(tie.updated_at, tie.id), 2) == []
    assert feed_size(session, everything) == 3
    assert earliest_change(session) == first.updated_at
    assert feed_entry(session, first.uuid) is first and feed_entry(session, "nope") is None


def test_a_window_bounds_change_times_languages_and_subjects(session):
    entry(session, 1, minutes=0, language="vi", subject="biology")
    entry(session, 2, minutes=1, language="en", subject="mathematics")
    entry(session, 3, minutes=2, language="vi")
    window = FeedWindow(
        changed_from=T0 + timedelta(minutes=1), changed_before=T0 + timedelta(minutes=2)
    )
    assert titles(feed_page(session, window, None, 10)) == ["P2"]
    assert titles(feed_page(session, FeedWindow(languages=frozenset({"vi"})), None, 9)) == [
        "P1",
        "P3",
    ]
    assert feed_size(session, FeedWindow(subjects=frozenset({"biology", "mathematics"}))) == 2
    assert feed_size(session, FeedWindow(subjects=frozenset())) == 0
