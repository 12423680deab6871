from datetime import UTC, datetime, timedelta

import pytest

from paths.learning.bkt import BKT, BKTParams
from paths.learning.mastery import SkillState
from paths.learning.recommend import (
    REASON_TEXT_EN,
    RETAKE_AT,
    TRY_FIRST_AT,
    GraphStep,
    PathGraph,
    PathGraphError,
    Snapshot,
    available_steps,
    may_try_first,
    prerequisites_left,
    ready_to_retake,
    recommend,
    steps_to_test_out,
    unit_steps_to_test_out,
)

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MODEL = BKT(default=BKTParams(init=0.2, learn=0.2))


def mastery(**values: float) -> dict[str, SkillState]:
    return {k: SkillState(k, m, 0.0) for k, m in values.items()}


def graph() -> PathGraph:
    return PathGraph(
        [
            GraphStep("intro", "read", (), 5),
            GraphStep("add-read", "read", ("add",), 10, prerequisites=("intro",)),
            GraphStep("mul-read", "read", ("mul",), 10, prerequisites=("intro",)),
            GraphStep("add-check", "checkpoint", ("add",), 5, prerequisites=("add-read",)),
            GraphStep(
                "add-fix",
                "practice",
                ("add",),
                10,
                optional=True,
                remedial_for="add-check",
                prerequisites=("add-read",),
            ),
            GraphStep("mul-check", "checkpoint", ("mul",), 5, prerequisites=("mul-read",)),
            GraphStep("extra", "watch", ("mul",), 30, optional=True, prerequisites=("intro",)),
        ]
    )


def test_first_step_is_the_only_available_one():
    rec = recommend(graph(), Snapshot(NOW), MODEL)
    assert (rec.step_key, rec.reason_code) == ("intro", "next_in_path")
    assert available_steps(graph(), Snapshot(NOW)) == ["intro"]
    assert prerequisites_left(graph(), Snapshot(NOW), "add-check") == ["add-read"]


def test_prefers_the_largest_mastery_gap_and_names_the_skill():
    snap = Snapshot(NOW, done=frozenset({"intro"}), mastery=mastery(add=0.4, mul=0.1))
    rec = recommend(graph(), snap, MODEL)
    assert (rec.step_key, rec.reason_code) == ("mul-read", "closes_mastery_gap")
    assert rec.reason_params == {"skills": "mul"}


def test_ties_go_to_the_earlier_step_in_path_order():
    snap = Snapshot(NOW, done=frozenset({"intro"}), mastery=mastery(add=0.3, mul=0.3))
    assert recommend(graph(), snap, MODEL).step_key == "add-read"


def test_suggests_a_checkpoint_when_the_learner_seems_ready():
    snap = Snapshot(
        NOW, done=frozenset({"intro", "add-read", "mul-read"}), mastery=mastery(add=0.85, mul=0.92)
    )
    rec = recommend(graph(), snap, MODEL)
    assert (rec.step_key, rec.reason_code) == ("add-check", "ready_for_checkpoint")
    not_ready = Snapshot(NOW, done=frozenset({"intro", "add-read"}), mastery=mastery(add=0.1))
    assert recommend(graph(), not_ready, MODEL).step_key == "mul-read"


def test_remedial_step_comes_first_after_a_failed_checkpoint():
    snap = Snapshot(
        NOW,
        done=frozenset({"intro", "add-read"}),
        failed_checkpoints=("add-check",),
        mastery=mastery(add=0.3, mul=0.0),
        due_reviews=("old-check",),
    )
    rec = recommend(graph(), snap, MODEL)
    assert (rec.step_key, rec.reason_code) == ("add-fix", "remedial_after_checkpoint")
    assert rec.reason_params == {"checkpoint": "add-check"}


def test_the_remedial_step_is_gone_over_again_until_the_learner_is_ready_to_retake():
    failed = Snapshot(
        NOW,
        done=frozenset({"intro", "add-read", "add-fix"}),  # the remedial step done once
        failed_checkpoints=("add-check",),
        mastery=mastery(add=RETAKE_AT - 0.01, mul=0.0),
    )
    assert not ready_to_retake(graph(), failed, "add-check", MODEL)
    rec = recommend(graph(), failed, MODEL)
    assert (rec.step_key, rec.reason_code) == ("add-fix", "remedial_after_checkpoint")
    ready = Snapshot(
        NOW,
        done=failed.done,
        failed_checkpoints=failed.failed_checkpoints,
        mastery=mastery(add=RETAKE_AT, mul=0.0),
    )
    assert ready_to_retake(graph(), ready, "add-check", MODEL)
    assert recommend(graph(), ready, MODEL).step_key != "add-fix"


def test_the_checkpoint_is_retaken_when_going_over_again_would_teach_too_little():
    snap = Snapshot(
        NOW,
        done=frozenset({"intro", "add-read", "add-fix"}),
        failed_checkpoints=("add-check",),
        mastery=mastery(add=0.05, mul=0.0),
    )
    slow = BKT(default=BKTParams(init=0.2, learn=0.01))  # a study step adds under 0.01
    assert not ready_to_retake(graph(), snap, "add-check", MODEL)
    assert ready_to_retake(graph(), snap, "add-check", slow)
    assert recommend(graph(), snap, slow).step_key != "add-fix"


def test_a_checkpoint_without_a_remedial_step_is_retaken_whatever_the_mastery():
    snap = Snapshot(
        NOW,
        done=frozenset({"intro", "mul-read"}),
        failed_checkpoints=("mul-check",),
        mastery=mastery(add=0.0, mul=0.0),
    )
    assert recommend(graph(), snap, MODEL).step_key == "add-read"


def test_after_a_failed_review_the_remedial_step_comes_before_any_due_review():
    done = frozenset({"intro", "add-read", "add-check"})  # add-check was passed before
    snap = Snapshot(
        NOW,
        done=done,
        failed_checkpoints=("add-check",),
        mastery=mastery(add=0.6, mul=0.0),
        due_reviews=("add-check",),
    )
    rec = recommend(graph(), snap, MODEL)
    assert (rec.step_key, rec.reason_code) == ("add-fix", "remedial_after_review")
    assert rec.reason_params == {"checkpoint": "add-check"}
    REASON_TEXT_EN[rec.reason_code].format(**rec.reason_params)


def test_due_review_comes_before_new_work():
    snap = Snapshot(NOW, done=frozenset({"intro"}), due_reviews=("add-check",))
    rec = recommend(graph(), snap, MODEL)
    assert (rec.step_key, rec.reason_code) == ("add-check", "review_due")


def test_behind_schedule_prefers_gain_per_minute_and_skips_optional_steps():
    steps = [
        GraphStep("long", "watch", ("k",), 60),
        GraphStep("short", "practice", ("k",), 10),
        GraphStep("bonus", "practice", ("k",), 1, optional=True),
    ]
    relaxed = Snapshot(NOW, mastery=mastery(k=0.2))
    assert recommend(PathGraph(steps), relaxed, MODEL).step_key == "long"
    behind = Snapshot(
        NOW, mastery=mastery(k=0.2), minutes_per_week=30, due_at=NOW + timedelta(days=7)
    )
    rec = recommend(PathGraph(steps), behind, MODEL)
    assert (rec.step_key, rec.reason_code) == ("short", "behind_schedule")
    assert rec.reason_params["days_left"] == 7 and rec.reason_params["minutes_left"] == 70


def test_mastered_skills_fall_back_to_path_order_then_optional_then_complete():
    g = graph()
    everything = mastery(add=0.99, mul=0.99)
    snap = Snapshot(NOW, done=frozenset({"intro", "add-read", "mul-read"}), mastery=everything)
    assert recommend(g, snap, MODEL).reason_code == "next_in_path"
    required = frozenset({"intro", "add-read", "mul-read", "add-check", "mul-check"})
    rec = recommend(g, Snapshot(NOW, done=required, mastery=everything), MODEL)
    assert (rec.step_key, rec.reason_code) == ("extra", "optional_extra")
    rec = recommend(g, Snapshot(NOW, done=required | {"extra", "add-fix"}), MODEL)
    assert (rec.step_key, rec.reason_code) == (None, "path_complete")


def test_tested_out_steps_unlock_what_follows():
    snap = Snapshot(NOW, done=frozenset({"intro"}), tested_out=frozenset({"add-read"}))
    assert "add-check" in available_steps(graph(), snap)
    assert steps_to_test_out(graph(), Snapshot(NOW), ["add"]) == ["add-read", "add-check"]


def test_every_reason_code_has_an_english_sentence():
    codes = {
        "remedial_after_checkpoint",
        "remedial_after_review",
        "review_due",
        "closes_mastery_gap",
        "ready_for_checkpoint",
        "try_check_first",
        "behind_schedule",
        "next_in_path",
        "optional_extra",
        "path_complete",
    }
    assert set(REASON_TEXT_EN) == codes
    REASON_TEXT_EN["behind_schedule"].format(days_left=3, minutes_left=40, skills="add")


def test_cycles_and_unknown_prerequisites_are_refused():
    with pytest.raises(PathGraphError, match="cycle among: a, b"):
        PathGraph(
            [
                GraphStep("a", "read", prerequisites=("b",)),
                GraphStep("b", "read", prerequisites=("a",)),
            ]
        )
    with pytest.raises(PathGraphError, match="'ghost'"):
        PathGraph([GraphStep("a", "read", prerequisites=("ghost",))])


def unit_graph() -> PathGraph:
    """Two units: each a reading, a practice and a checkpoint; the second needs the first."""
    steps = []
    for skill, after in (("add", ()), ("mul", ("add-check",))):
        steps += [
            GraphStep(f"{skill}-read", "read", (skill,), 10, prerequisites=after),
            GraphStep(
                f"{skill}-practice", "practice", (skill,), 15, prerequisites=(f"{skill}-read",)
            ),
            GraphStep(
                f"{skill}-check", "checkpoint", (skill,), 5, prerequisites=(f"{skill}-practice",)
            ),
            GraphStep(
                f"{skill}-fix",
                "practice",
                (skill,),
                10,
                optional=True,
                remedial_for=f"{skill}-check",
                prerequisites=(f"{skill}-read",),
            ),
        ]
    return PathGraph(steps)


def test_a_unit_is_the_learning_steps_before_its_checkpoint_on_its_skills():
    g = unit_graph()
    assert g.unit == {
        "add-check": ("add-read", "add-practice"),
        "mul-check": ("mul-read", "mul-practice"),
    }
    assert g.unit_entry == {"add-check": frozenset(), "mul-check": frozenset({"add-check"})}
    assert g.skill_prerequisites == {"add": frozenset(), "mul": frozenset({"add"})}


def test_try_the_check_first_when_the_learner_may_pass():
    g = unit_graph()
    snap = Snapshot(NOW, mastery=mastery(add=TRY_FIRST_AT, mul=0.9))
    rec = recommend(g, snap, MODEL)
    assert (rec.step_key, rec.reason_code) == ("add-check", "try_check_first")
    assert rec.reason_params == {"skills": "add"}
    assert not may_try_first(g, snap, "mul-check", MODEL)  # its unit is not open yet
    assert not may_try_first(g, snap, "add-read", MODEL)  # not a checkpoint


def test_no_check_first_below_the_threshold_or_after_failing_it():
    g = unit_graph()
    low = Snapshot(NOW, mastery=mastery(add=TRY_FIRST_AT - 0.01))
    assert recommend(g, low, MODEL).step_key == "add-read"
    failed = Snapshot(NOW, failed_checkpoints=("add-check",), mastery=mastery(add=0.9))
    assert recommend(g, failed, MODEL).step_key == "add-read"
    done = Snapshot(NOW, done=frozenset({"add-read", "add-practice"}), mastery=mastery(add=0.9))
    assert not may_try_first(g, done, "add-check", MODEL)  # simply available


def test_passing_a_checkpoint_first_tests_out_its_unit():
    g = unit_graph()
    snap = Snapshot(NOW, done=frozenset({"add-check"}), mastery=mastery(add=0.97))
    assert unit_steps_to_test_out(g, snap, "add-check", MODEL) == ["add-read", "add-practice"]
    partly = Snapshot(NOW, done=frozenset({"add-read", "add-check"}), mastery=mastery(add=0.97))
    assert unit_steps_to_test_out(g, partly, "add-check", MODEL) == ["add-practice"]
    assert unit_steps_to_test_out(g, snap, "add-read", MODEL) == []


def test_a_lucky_pass_below_mastery_tests_nothing_out():
    # the novice guard: a pass the model does not believe leaves the teaching to do
    g = unit_graph()
    snap = Snapshot(NOW, done=frozenset({"add-check"}), mastery=mastery(add=0.9))
    assert unit_steps_to_test_out(g, snap, "add-check", MODEL) == []
    assert "add-read" in available_steps(g, snap)  # still required work
    rec = recommend(g, Snapshot(NOW, done=snap.done, mastery=mastery(add=0.9, mul=0.1)), MODEL)
    assert rec.step_key in {"add-read", "mul-read"} and rec.reason_code == "closes_mastery_gap"
