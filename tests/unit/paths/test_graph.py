from dataclasses import dataclass, field

import pytest

from paths.graph import (
    InvalidPath,
    check_graph,
    find_cycle,
    missing_prerequisites,
    topological_order,
)


@dataclass
class S:
    key: str
    prerequisites: list[str] = field(default_factory=list)
    remedial_for: str | None = None
    kind: str = "read"


def test_cycle_is_refused_and_named():
    steps = [S("a"), S("b", ["a", "d"]), S("c", ["b"]), S("d", ["c"])]
    with pytest.raises(InvalidPath) as error:
        check_graph(steps)
    assert "cycle" in error.value.message
    assert "b → d → c → b" in error.value.message or "d → c → b → d" in error.value.message


def test_self_loop_is_a_cycle():
    assert find_cycle([S("a", ["a"])]) == ["a", "a"]


def test_unknown_prerequisite_and_duplicate_keys_are_refused():
    with pytest.raises(InvalidPath, match="unknown step 'zz'"):
        check_graph([S("a", ["zz"])])
    with pytest.raises(InvalidPath, match="share the key"):
        check_graph([S("a"), S("a")])


def test_remedial_must_point_at_a_checkpoint():
    with pytest.raises(InvalidPath, match="not a checkpoint"):
        check_graph([S("a"), S("r", remedial_for="a")])
    check_graph([S("c", kind="checkpoint"), S("r", ["c"], remedial_for="c")])


def test_topological_order_is_stable_by_author_order():
    steps = [S("intro"), S("x", ["intro"]), S("y", ["intro"]), S("z", ["y", "x"]), S("w")]
    # Ready at once: the author's order decides ("w" was written last).
    assert topological_order(steps) == ["intro", "x", "y", "z", "w"]


def test_a_step_is_locked_until_its_prerequisites_are_finished():
    step = S("z", ["x", "y"])
    assert missing_prerequisites(step, {"x"}) == ["y"]
    assert missing_prerequisites(step, {"x", "y"}) == []
