"""Reading response logs in the knowledge-tracing CSV form: `user_id,skill_id,correct` in time
order per learner, optionally `timestamp` (ISO 8601 or Unix seconds).

The log is read row by row: what is held is the answers themselves (learner and skill names
shared between rows) and each learner's last time, and a log with more answers than the
limit is refused as soon as the limit is passed, before it fills the memory."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from paths.errors import DomainError
from paths.learning.mastery import Response

REQUIRED_COLUMNS = ("user_id", "skill_id", "correct")
MAX_ANSWERS = 5_000_000  # about 1 GB held while fitting; more: sample the learners
_TRUE = {"1", "true", "1.0"}
_FALSE = {"0", "false", "0.0"}


class ResponseLogError(DomainError):
    """A log that cannot be used at all; `message` says why."""


@dataclass
class ResponseLog:
    responses: list[Response]
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows or learners

    def notes(self) -> list[str]:
        return [f"skipped {count} {reason}" for reason, count in sorted(self.skipped.items())]


def parse_time(raw: str) -> datetime:
    raw = raw.strip()
    if "-" not in raw[1:]:  # Unix seconds (an ISO date has a dash after its year)
        return datetime.fromtimestamp(float(raw), tz=UTC)
    value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def read_responses(
    lines: Iterable[str],
    *,
    name: str = "the log",
    skills: Collection[str] | None = None,
    max_answers: int = MAX_ANSWERS,
) -> ResponseLog:
    """Parse a CSV log. Rows whose `correct` is not 0/1, and rows on a skill outside `skills`
    (when given), are skipped and counted; an empty log, missing columns, a bad timestamp,
    answers out of time order per learner, a malformed CSV or more than `max_answers`
    answers are refused."""
    reader = csv.reader(lines)
    try:
        columns = [c.strip() for c in next(reader, [])]
        log = _read_rows(reader, columns, name, skills, max_answers)
    except csv.Error as error:
        raise ResponseLogError(
            f"{name} is not a readable CSV file near line {reader.line_num}: {error}."
        ) from error
    if not log.responses:
        raise ResponseLogError(f"{name} has no usable answers.")
    return log


def _read_rows(
    reader: Iterator[list[str]],
    columns: list[str],
    name: str,
    skills: Collection[str] | None,
    max_answers: int,
) -> ResponseLog:
    if not any(columns):
        raise ResponseLogError(f"{name} is empty: expected a header user_id,skill_id,correct.")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ResponseLogError(
            f"{name} lacks the column(s) {', '.join(missing)}; the header is {','.join(columns)}."
        )
    at_user, at_skill, at_correct = (columns.index(c) for c in REQUIRED_COLUMNS)
    at_time = columns.index("timestamp") if "timestamp" in columns else None
    known = set(skills) if skills is not None else None
    log = ResponseLog([])
    unknown: Counter[str] = Counter()
    last_at: dict[str, datetime] = {}
    for line_no, row in enumerate(reader, start=2):
        if not row:
            continue  # a blank line
        row += [""] * (len(columns) - len(row))
        correct = row[at_correct].strip().lower()
        if correct not in _TRUE and correct not in _FALSE:
            log.skipped["rows whose correct is not 0 or 1"] += 1
            continue
        user, skill = row[at_user].strip(), row[at_skill].strip()
        if not user or not skill:
            log.skipped["rows without user_id or skill_id"] += 1
            continue
        if known is not None and skill not in known:
            unknown[skill] += 1
            continue
        at = _row_time(row[at_time], line_no, name) if at_time is not None else None
        if at is not None:
            if user in last_at and at < last_at[user]:
                raise ResponseLogError(
                    f"{name} is not in time order: line {line_no} (learner {user}) is earlier "
                    f"than that learner's previous answer. Sort it by user_id, timestamp."
                )
            last_at[user] = at
        if len(log.responses) >= max_answers:
            raise ResponseLogError(
                f"{name} has more than {max_answers:,} answers, more than one fit holds in "
                f"memory: fit on a sample of its learners (all of each learner's rows), or "
                f"raise the limit."
            )
        log.responses.append(Response(sys.intern(user), sys.intern(skill), correct in _TRUE, at))
    if unknown:
        log.skipped[f"answers on skills not in the skill list ({_names(unknown)})"] += sum(
            unknown.values()
        )
    return log


def _names(counts: Counter[str]) -> str:
    names = sorted(counts)
    return ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")


def _row_time(raw: str, line_no: int, name: str) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return parse_time(raw)
    except (ValueError, OverflowError, OSError) as error:
        raise ResponseLogError(f"{name}, line {line_no}: {raw!r} is not a timestamp.") from error


def drop_single_answer_learners(log: ResponseLog) -> ResponseLog:
    """Without a learner with only one answer (no sequence to learn from)."""
    counts = Counter(r.user for r in log.responses)
    singles = {user for user, n in counts.items() if n == 1}
    if not singles:
        return log
    skipped = log.skipped.copy()
    skipped["learners with a single answer"] += len(singles)
    return ResponseLog([r for r in log.responses if r.user not in singles], skipped)


def drop_unknown_skills(log: ResponseLog, known: Sequence[str] | set[str]) -> ResponseLog:
    """Without answers on skills that `known` (e.g. the training log's skills) lacks."""
    known_set = set(known)
    kept = [r for r in log.responses if r.skill in known_set]
    unknown = {r.skill for r in log.responses if r.skill not in known_set}
    if not unknown:
        return log
    skipped = log.skipped.copy()
    skipped[f"answers on skills not in the training log ({_names(Counter(unknown))})"] += len(
        log.responses
    ) - len(kept)
    return ResponseLog(kept, skipped)
