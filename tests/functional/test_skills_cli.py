"""`flask skills evaluate` and `flask skills fit` on good and bad logs."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from paths.learning.simulation import default_skills, simulate_log
from paths.study.skills import SkillParameters


def write_log(path: Path, learners: int, seed: int, prefix: str) -> Path:
    rows = ["user_id,skill_id,correct,timestamp"]
    for a in simulate_log(
        default_skills(3), learners, seed=seed, user_prefix=prefix, answers=(3, 5)
    ):
        rows.append(f"{a.user},{a.skill},{int(a.correct)},{a.at.isoformat()}")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_evaluate_reports_each_model_and_what_it_skipped(runner, tmp_path):
    train = write_log(tmp_path / "train.csv", 40, 1, "a")
    test = write_log(tmp_path / "test.csv", 20, 2, "b")
    with test.open("a") as handle:
        handle.write(
            "b0,unseen,1,2030-01-01T00:00:00+00:00\nlonely,s0,1,2030-01-01T00:00:00+00:00\n"
            "b1,s0,maybe,2030-01-01T00:00:00+00:00\n"
        )
    result = runner.invoke(args=["skills", "evaluate", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    assert "skipped 1 learners with a single answer" in result.output
    assert "skipped 1 rows whose correct is not 0 or 1" in result.output
    assert "skills not in the training log (unseen)" in result.output
    split, crossed = result.stdout.split("Learner-level 5-fold cross-validation")
    for table in (split, crossed):
        lines = {line.split()[0]: line for line in table.splitlines() if line.strip()}
        assert {"bkt", "elo", "pfa", "best-lr"} <= set(lines)
        assert lines["bkt"].endswith("(default)")
        assert "fit s" in lines["model"]
    assert "skill_mean" in split
    as_json = runner.invoke(
        args=["skills", "evaluate", "--train", str(train), "--test", str(test), "--json"]
    )
    data = json.loads(as_json.stdout[as_json.stdout.index("{") :])
    assert 0.5 < data["bkt"]["auc"] <= 1.0 and data["pfa"]["fit_seconds"] >= 0.0
    cv = data["cross_validation"]
    assert cv["folds"] == 5 and cv["best-lr"]["answers"] == cv["bkt"]["answers"] > 0
    assert 0.5 < cv["bkt"]["auc"] <= 1.0 and cv["elo"]["fold_auc_sd"] >= 0.0


def test_evaluate_without_cross_validation_and_with_impossible_folds(runner, tmp_path):
    train = write_log(tmp_path / "train.csv", 6, 1, "a")
    test = write_log(tmp_path / "test.csv", 5, 2, "b")
    args = ["skills", "evaluate", "--train", str(train), "--test", str(test)]
    result = runner.invoke(args=[*args, "--folds", "0"])
    assert result.exit_code == 0 and "cross-validation" not in result.output
    result = runner.invoke(args=[*args, "--folds", "1"])
    assert result.exit_code == 1 and "--folds must be 0" in result.output
    result = runner.invoke(args=[*args, "--folds", "9"])
    assert result.exit_code == 1 and "needs at least 9 learners; the log has 6" in result.output


def test_fit_and_evaluate_keep_to_a_skill_list(runner, tmp_path):
    log = write_log(tmp_path / "log.csv", 30, 3, "u")
    result = runner.invoke(args=["skills", "fit", "--from-csv", str(log), "--skills", "s0, s2"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["skills"]) == {"s0", "s2"}
    assert "skipped" in result.output and "not in the skill list (s1)" in result.output
    assert "Fitted bkt on" in result.stderr and " s." in result.stderr
    result = runner.invoke(args=["skills", "fit", "--from-csv", str(log), "--skills", "x,y"])
    assert result.exit_code == 1 and "has no usable answers" in result.output
    result = runner.invoke(args=["skills", "fit", "--from-csv", str(log), "--skills", " , "])
    assert result.exit_code == 1 and "--skills names no skill" in result.output


def test_a_log_over_the_answer_limit_is_refused_before_it_is_read_whole(runner, tmp_path):
    log = write_log(tmp_path / "log.csv", 30, 3, "u")
    result = runner.invoke(args=["skills", "fit", "--from-csv", str(log), "--max-answers", "50"])
    assert result.exit_code == 1
    assert "has more than 50 answers" in result.output and "sample of its learners" in result.output


def test_fit_writes_parameters_as_json(runner, tmp_path):
    log = write_log(tmp_path / "log.csv", 30, 3, "u")
    out = tmp_path / "params.json"
    result = runner.invoke(
        args=["skills", "fit", "--from-csv", str(log), "--model", "elo", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["model"] == "elo" and set(data["skills"]) == {"s0", "s1", "s2"}
    printed = runner.invoke(args=["skills", "fit", "--from-csv", str(log)])
    assert json.loads(printed.stdout)["model"] == "bkt"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("user_id,skill_id\nu,s\n", "lacks the column(s) correct"),
        ("user_id,skill_id,correct\nu,s,1\n", "no learner with two or more answers"),
        ("user_id,skill_id,correct\nu,s,yes\nu,s,2\n", "has no usable answers"),
        (
            "user_id,skill_id,correct,timestamp\nu,s,1,2025-01-02T00:00:00Z\n"
            "u,s,0,2025-01-01T00:00:00Z\n",
            "not in time order: line 3 (learner u)",
        ),
        ("user_id,skill_id,correct,timestamp\nu,s,1,yesterday\n", "'yesterday' is not a timestamp"),
        ('user_id,skill_id,correct\nu,s,1\n"' + "x" * 200_000, "not a readable CSV file"),
        ("\n\n", "is empty"),
    ],
)
def test_bad_logs_are_refused_with_a_message(runner, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    result = runner.invoke(args=["skills", "fit", "--from-csv", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_file_and_unmatched_skills_are_refused(runner, tmp_path):
    result = runner.invoke(args=["skills", "fit", "--from-csv", str(tmp_path / "none.csv")])
    assert result.exit_code == 1 and "Cannot read" in result.output
    train = tmp_path / "train.csv"
    train.write_text("user_id,skill_id,correct\nu,a,1\nu,a,0\n")
    test = tmp_path / "test.csv"
    test.write_text("user_id,skill_id,correct\nv,b,1\nv,b,0\n")
    result = runner.invoke(args=["skills", "evaluate", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 1 and "No answer in the test log" in result.output


def test_fit_without_logged_answers_keeps_the_defaults_and_says_so(runner, session):
    result = runner.invoke(args=["skills", "fit"])
    assert result.exit_code == 0, result.output
    assert "nothing to fit" in result.output and "keeps its default parameters" in result.output
    assert session.scalar(select(func.count()).select_from(SkillParameters)) == 0
