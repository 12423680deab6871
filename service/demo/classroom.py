"""The demo classes: thirty learners on each demo activity, with the progress a real class
has a few weeks in (some done, most on their way, some behind, some stuck, some not
started), so a visitor can open the teacher dashboard and find something to read.

The progress is recorded through the domain's own services (steps done, checkpoints
answered), dated in the past, so every page shows it as it would show a real class's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.enrollment import Assignment, Enrollment, enroll
from paths.grading import right_answer
from paths.people import LEARNER, Membership, User
from paths.published import PublishedStep
from paths.study import checkpoints, completion
from paths.study.learner_path import steps_of
from paths.study.up_next import is_required

ENGLISH_CLASS = (
    "Olivia Bennett", "Liam Carter", "Amelia Hughes", "Noah Patel", "Isla Murphy",
    "Oliver Wright", "Ava Thompson", "Jack Robinson", "Mia Clarke", "Harry Walker",
    "Sophie Turner", "George Evans", "Grace Mitchell", "Leo Harris", "Chloe Edwards",
    "Arthur Green", "Emily Price", "Oscar Hall", "Freya Lewis", "Thomas Young",
    "Lily Scott", "Ethan Baker", "Ruby Adams", "Samuel King", "Ella Morgan",
    "Daniel Cooper", "Hannah Ward", "Joshua Reed", "Zara Khan", "Lucas Fraser",
)  # fmt: skip
VIETNAMESE_CLASS = (
    "Nguyễn Minh Anh", "Trần Gia Bảo", "Lê Thu Hà", "Phạm Đức Huy", "Hoàng Ngọc Mai",
    "Vũ Quang Khải", "Đặng Thảo Vy", "Bùi Tuấn Kiệt", "Đỗ Khánh Linh", "Hồ Nhật Nam",
    "Ngô Phương Thảo", "Dương Hoàng Long", "Lý Bảo Ngọc", "Phan Thành Đạt", "Trương Mỹ Duyên",
    "Võ Anh Khoa", "Đinh Hải Yến", "Lâm Quốc Trung", "Mai Thanh Tâm", "Tô Gia Hân",
    "Nguyễn Đức Thắng", "Trần Ngọc Hân", "Lê Hoàng Phúc", "Phạm Thùy Dung", "Huỳnh Tấn Phát",
    "Cao Minh Châu", "Chu Văn Sơn", "Tạ Kim Ngân", "Kiều Bảo Trâm", "Lưu Công Vinh",
)  # fmt: skip


@dataclass(frozen=True)
class Progress:
    """How far one learner got: how many required steps done, checkpoints failed in a row
    on the first checkpoint they reach, and how many days ago they last studied."""

    steps_done: int | None  # None: never opened Selfpath
    failures: int = 0
    last_seen_days_ago: int = 1


# Thirty learners a few weeks into the path: 4 done, 5 stuck, 5 behind, 6 not started (one
# of them opened Selfpath but did nothing yet), the rest on track at different points.
CLASS_PROGRESS = (
    Progress(99), Progress(99, last_seen_days_ago=2), Progress(99, last_seen_days_ago=3),
    Progress(99, last_seen_days_ago=5),
    Progress(2, failures=2), Progress(2, failures=3), Progress(2, failures=2, last_seen_days_ago=2),
    Progress(2, failures=2, last_seen_days_ago=3), Progress(2, failures=4),
    Progress(1, last_seen_days_ago=9), Progress(2, last_seen_days_ago=12),
    Progress(4, last_seen_days_ago=10), Progress(1, last_seen_days_ago=15),
    Progress(2, failures=1, last_seen_days_ago=8), Progress(0, last_seen_days_ago=20),
    Progress(None), Progress(None), Progress(None), Progress(None), Progress(None),
    Progress(3), Progress(4), Progress(5), Progress(6), Progress(7),
    Progress(8), Progress(9), Progress(2, failures=1), Progress(6, last_seen_days_ago=2),
    Progress(1),
)  # fmt: skip


def seed_demo_class(
    session: Session,
    assignment: Assignment,
    course_id: int,
    issuer: str,
    names: Sequence[str],
    now: datetime,
) -> int:
    """Add the class to the assignment's course, once: the number of learners added (0 when
    the class is already there)."""
    prefix = f"demo-class-{assignment.activity_id}-"
    if _user(session, issuer, prefix + "0") is not None:
        return 0
    for n, (name, progress) in enumerate(zip(names, CLASS_PROGRESS, strict=True)):
        user = User(issuer=issuer, subject=f"{prefix}{n}", name=name)
        session.add(user)
        session.flush()
        session.add(Membership(user_id=user.id, course_id=course_id, role=LEARNER))
        if progress.steps_done is not None:
            _study(session, enroll(session, assignment, user.id, now), progress, now)
    session.flush()
    return len(names)


def _user(session: Session, issuer: str, subject: str) -> User | None:
    return session.scalars(
        select(User).where(User.issuer == issuer, User.subject == subject)
    ).first()


def _study(session: Session, enrollment: Enrollment, progress: Progress, now: datetime) -> None:
    """Record the learner's steps, one a day, ending `last_seen_days_ago` days before now."""
    plan = _plan(steps_of(session, enrollment), progress)
    last = now - timedelta(days=progress.last_seen_days_ago, hours=2)
    for days_before, (step, passing) in zip(range(len(plan) - 1, -1, -1), plan, strict=True):
        at = last - timedelta(days=days_before)
        if step.is_checkpoint:
            checkpoints.submit_checkpoint(
                session, enrollment, step.key, _answers(step, passing), now=at
            )
        else:
            completion.complete_step(session, enrollment, step.key, now=at)


def _plan(steps: Sequence[PublishedStep], progress: Progress) -> list[tuple[PublishedStep, bool]]:
    """The steps in path order, each with whether its checkpoint is passed: `steps_done`
    required steps (a checkpoint counts once it is passed), then any failed tries at the
    next checkpoint, which stops the learner there."""
    plan: list[tuple[PublishedStep, bool]] = []
    for step in (s for s in steps if is_required(s)):
        if len(plan) >= (progress.steps_done or 0):
            return plan + [(step, False)] * (progress.failures if step.is_checkpoint else 0)
        plan.append((step, True))
    return plan


def _answers(step: PublishedStep, right: bool) -> dict[int, str]:
    if not right:
        return dict.fromkeys(range(len(step.questions)), "")
    return {
        i: str(q.answer) if q.kind == "choice" else right_answer(q)
        for i, q in enumerate(step.questions)
    }
