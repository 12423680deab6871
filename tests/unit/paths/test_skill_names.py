from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from paths.skill_names import humanise, names_from, skill_names


@dataclass
class Version:
    id: int
    skill_labels: list[dict[str, str]] = field(default_factory=list)
    published_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("search", "Search"),
        ("evaluate-sources", "Evaluate sources"),
        ("two_factor", "Two factor"),
        ("  a--b ", "A b"),
        ("", ""),
    ],
)
def test_a_key_without_a_label_reads_humanised(key, shown):
    assert humanise(key) == shown


def test_the_label_wins_over_the_key():
    names = names_from(
        [{"key": "search", "label": "Finding information"}, {"key": "empty", "label": ""}]
    )
    assert names["search"] == "Finding information"
    assert names["empty"] == "Empty" and names["safety"] == "Safety"
    assert names.join(["search", "safety"]) == "Finding information, Safety"
    assert "safety" not in names  # reading a missing key does not change the shared names


def test_names_are_built_once_per_version():
    session = Session()
    version = Version(901, [{"key": "search", "label": "Tìm kiếm thông tin"}])
    first = skill_names(session, version)
    version.skill_labels = [{"key": "search", "label": "changed"}]
    assert skill_names(session, version) is first and first["search"] == "Tìm kiếm thông tin"
    assert skill_names(session, Version(902))["search"] == "Search"
    assert skill_names(Session(), version)["search"] == "changed"  # another session's own caches
