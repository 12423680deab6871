"""The open library's domain: publishing releases, identities kept across versions, and
search that ignores case and diacritics, the same on SQLite and PostgreSQL."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from paths.authoring import PathDraft, QuestionDraft, SkillLabel, StepDraft, create_path, publish
from paths.catalog import PathVersion
from paths.db import utcnow
from paths.errors import Conflict, DomainError
from paths.library.models import LibraryEntry, LibraryRelease
from paths.library.normalise import MAX_TERMS, query_terms, searchable
from paths.library.publishing import (
    LibraryChoice,
    closed_resources,
    credit_line,
    publish_to_library,
    restore,
    unlist,
    withdraw,
)
from paths.library.search import LibraryQuery, search_library

CHOICE = LibraryChoice(licence="CC BY 4.0", credit="A teacher at Trường THCS Lê Lợi")
QUESTION = QuestionDraft(kind="choice", prompt="?", choices=("a", "b"), answer=1, skill="safety")


def draft(
    title: str,
    *,
    language: str = "vi",
    minutes: int = 10,
    licence: str | None = "CC BY-SA 4.0",
    step_title: str = "Mật khẩu mạnh",
) -> PathDraft:
    return PathDraft(
        title=title,
        description="Một lộ trình tự học.",
        language=language,
        subject="digital-skills",
        level="lower-secondary",
        skills=(SkillLabel("safety", "An toàn thông tin"),),
        steps=(
            StepDraft(
                key="read",
                kind="read",
                title=step_title,
                minutes=minutes,
                skills=("safety",),
                resource_url="https://vi.wikipedia.org/wiki/Mật_khẩu",
                resource_licence=licence,
                resource_source="Wikipedia tiếng Việt",
            ),
            StepDraft(
                key="check",
                kind="checkpoint",
                title="Kiểm tra",
                minutes=5,
                skills=("safety",),
                prerequisites=("read",),
                questions=(QUESTION,),
            ),
        ),
    )


def in_library(session, title: str, **kwargs) -> LibraryRelease:
    version = create_path(session, draft(title, **kwargs), now=utcnow(), tenant_id=None)
    return publish_to_library(session, version, CHOICE, now=utcnow())


def found(session, words: str = "", **filters) -> list[str]:
    page = search_library(session, LibraryQuery(words=words, **filters))
    return [e.title for e in page.entries]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kỹ năng số", "ky nang so"),
        ("KỸ NĂNG SỐ", "ky nang so"),
        ("Đà Nẵng — đường", "da nang duong"),
        ("Photosynthesis: CO₂ + H₂O", "photosynthesis co2 h2o"),
        ("  many   spaces\tand\nlines ", "many spaces and lines"),
        ("", ""),
    ],
)
def test_searchable_text_has_no_case_or_diacritics(text, expected):
    assert searchable(text) == expected


def test_query_terms_are_bounded_whatever_is_typed():
    assert query_terms("ky  nang, nang SO") == ["ky", "nang", "so"]
    assert len(query_terms(" ".join(f"w{i}" for i in range(100)))) == MAX_TERMS
    assert all(len(t) <= 40 for t in query_terms("x" * 100_000))
    assert query_terms("🙂 ‮ <script>") == ["script"]


def test_publishing_creates_an_entry_that_shows_its_newest_release(session):
    first = in_library(session, "Kỹ năng số")
    entry = first.entry
    assert (entry.uuid, first.number) == (first.entry.uuid, 1)
    assert entry.uuid == session.get(PathVersion, first.version_id).path.uuid
    assert (entry.step_count, entry.checkpoint_count, entry.minutes) == (2, 1, 15)
    assert entry.skills == [{"key": "safety", "label": "An toàn thông tin"}]
    path = session.get(PathVersion, first.version_id).path
    second_version = publish(session, path, draft("Kỹ năng số (bản 2)", minutes=30), now=utcnow())
    second = publish_to_library(session, second_version, CHOICE, now=utcnow())
    assert second.number == 2 and second.entry_id == entry.id
    assert (entry.title, entry.minutes) == ("Kỹ năng số (bản 2)", 35)
    assert session.scalar(select(func.count(LibraryRelease.id))) == 2


def test_a_version_is_published_once(session):
    release = in_library(session, "Kỹ năng số")
    version = session.get(PathVersion, release.version_id)
    with pytest.raises(Conflict):
        publish_to_library(session, version, CHOICE, now=utcnow())


@pytest.mark.parametrize("licence", ["", "CC BY-NC 4.0", "All rights reserved"])
def test_publishing_without_an_open_licence_is_refused_and_changes_nothing(session, licence):
    version = create_path(session, draft("Kỹ năng số"), now=utcnow(), tenant_id=None)
    with pytest.raises(DomainError) as refused:
        publish_to_library(session, version, replace(CHOICE, licence=licence), now=utcnow())
    assert refused.value.code == "licence_required"
    assert session.scalar(select(func.count(LibraryEntry.id))) == 0


def test_an_empty_path_is_refused(session):
    version = create_path(session, draft("Kỹ năng số"), now=utcnow(), tenant_id=None)
    empty = PathVersion(path_id=version.path_id, number=2, title="Trống")
    session.add(empty)
    session.flush()
    with pytest.raises(DomainError) as refused:
        publish_to_library(session, empty, CHOICE, now=utcnow())
    assert refused.value.code == "empty_path"
    assert session.scalar(select(func.count(LibraryEntry.id))) == 0


def test_resources_without_an_open_licence_are_flagged(session):
    version = create_path(
        session, draft("Kỹ năng số", licence="CC BY-NC-SA 4.0"), now=utcnow(), tenant_id=None
    )
    assert [s.key for s in closed_resources(version)] == ["read"]
    open_version = create_path(session, draft("Số học"), now=utcnow(), tenant_id=None)
    assert closed_resources(open_version) == []


@pytest.mark.parametrize(
    ("kind", "language", "expected"),
    [
        ("name", "en", "Lan Nguyen"),
        ("school", "en", "Lê Lợi School"),
        ("teacher_at", "en", "A teacher at Lê Lợi School"),
        ("teacher_at", "vi", "Một giáo viên tại Lê Lợi School"),
    ],
)
def test_credit_lines(kind, language, expected):
    assert (
        credit_line(kind, name="Lan Nguyen", school="Lê Lợi School", language=language) == expected
    )


def test_a_credit_needs_what_it_names():
    with pytest.raises(DomainError):
        credit_line("teacher_at", name="Lan", school="  ", language="en")
    with pytest.raises(DomainError):
        credit_line("anonymous", name="Lan", school="X", language="en")


def test_steps_keep_their_identity_across_versions(session):
    version = create_path(session, draft("Kỹ năng số"), now=utcnow(), tenant_id=None)
    first = {s.key: s.uuid for s in version.steps}
    extra = StepDraft(key="more", kind="read", title="Thêm", minutes=5)
    changed = replace(draft("Kỹ năng số"), steps=(*draft("Kỹ năng số").steps, extra))
    second = publish(session, version.path, changed, now=utcnow())
    again = {s.key: s.uuid for s in second.steps}
    assert again["read"] == first["read"] and again["check"] == first["check"]
    assert again["more"] not in first.values() and len(set(again.values())) == 3


def test_search_ignores_case_and_diacritics(session):
    in_library(session, "Kỹ năng số và an toàn thông tin")
    in_library(session, "Digital skills", language="en", step_title="Strong passwords")
    assert found(session, "ky nang so") == ["Kỹ năng số và an toàn thông tin"]
    assert found(session, "KỸ NĂNG") == ["Kỹ năng số và an toàn thông tin"]
    assert found(session, "kỹ năng số") == ["Kỹ năng số và an toàn thông tin"]
    assert found(session, "passw") == ["Digital skills"]  # a word's beginning is enough
    assert found(session, "an toan thong tin") == [  # the skill's name is searched too
        "Kỹ năng số và an toàn thông tin",
        "Digital skills",
    ]
    assert found(session, "nothing like this") == []


def test_search_ranks_title_words_first(session):
    in_library(session, "Tự học hiệu quả", step_title="Quang hợp là gì")
    in_library(session, "Quang hợp ở thực vật")
    assert found(session, "quang hop") == ["Quang hợp ở thực vật", "Tự học hiệu quả"]


def test_filters_narrow_the_results(session):
    in_library(session, "Kỹ năng số", minutes=10)
    in_library(session, "Digital skills", language="en", minutes=200)
    assert found(session, language="en") == ["Digital skills"]
    assert found(session, length="short") == ["Kỹ năng số"]
    assert found(session, length="long") == ["Digital skills"]
    assert found(session, subject="mathematics") == []
    assert sorted(found(session, skill="an toan")) == ["Digital skills", "Kỹ năng số"]
    assert found(session, skill="algebra") == []


def test_only_listed_entries_are_found(session):
    kept = in_library(session, "Kỹ năng số").entry
    hidden = in_library(session, "Số học").entry
    withdraw(hidden, utcnow())
    assert found(session, "so") == ["Kỹ năng số"]
    unlist(kept, utcnow())
    assert found(session) == []
    restore(kept, utcnow())
    restore(hidden, utcnow())  # restoring is for what an admin unlisted, not withdrawn
    assert found(session) == ["Kỹ năng số"]


def test_pages_of_results(session):
    for number in range(25):
        in_library(session, f"Bài {number:02d}")
    first = search_library(session, LibraryQuery(words="bai"))
    last = search_library(session, LibraryQuery(words="bai", page=99))
    assert (first.total, first.pages, len(first.entries)) == (25, 2, 20)
    assert (last.page, len(last.entries)) == (2, 5)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example/a.pdf", "data:text/html,hi"]
)
def test_a_resource_that_is_not_a_web_address_is_refused(session, url):
    version = create_path(session, draft("Kỹ năng số"), now=utcnow(), tenant_id=None)
    version.steps[0].resource_url = url  # older rows, or a path written before the check
    with pytest.raises(DomainError) as refused:
        publish_to_library(session, version, CHOICE, now=utcnow())
    assert refused.value.code == "resource_not_web"
    assert session.scalar(select(func.count(LibraryEntry.id))) == 0
