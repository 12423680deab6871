"""Creating paths and publishing immutable versions from a draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paths.catalog import (
    QUESTION_KINDS,
    STEP_KINDS,
    LearningPath,
    PathVersion,
    Question,
    Step,
    new_uuid,
)
from paths.competencies.alignments import AlignmentDraft, alignment_rows
from paths.graph import InvalidPath, find_cycle
from paths.skill_names import SkillNames


@dataclass(frozen=True)
class QuestionDraft:
    kind: str
    prompt: str
    answer: Any
    choices: tuple[str, ...] = ()
    skill: str | None = None
    explanation: str = ""


@dataclass(frozen=True)
class StepDraft:
    key: str
    kind: str
    title: str
    instructions: str = ""
    resource_url: str | None = None
    resource_licence: str | None = None
    resource_source: str | None = None
    resource_framable: bool = False
    minutes: int = 10
    skills: tuple[str, ...] = ()
    optional: bool = False
    prerequisites: tuple[str, ...] = ()
    remedial_for: str | None = None
    mastery_threshold: float | None = None
    questions: tuple[QuestionDraft, ...] = ()
    uuid: str | None = None  # stable across versions and exports; given at publication


@dataclass(frozen=True)
class SkillLabel:
    """A skill's readable name in the path's language (`search` → "Finding information")."""

    key: str
    label: str


@dataclass(frozen=True)
class PathDraft:
    title: str
    description: str = ""
    language: str = "en"
    steps: tuple[StepDraft, ...] = field(default_factory=tuple)
    subject: str | None = None
    level: str | None = None
    skills: tuple[SkillLabel, ...] = ()
    uuid: str | None = None  # the path's stable identity in exports and the library
    alignments: tuple[AlignmentDraft, ...] = ()  # skills aligned to framework competencies

    def skill_labels(self) -> SkillNames:
        """The draft's skill names (a key without one reads humanised)."""
        return SkillNames({s.key: s.label for s in self.skills})


def check_draft(draft: PathDraft) -> None:
    """Refuse a draft that learners could not follow; each problem names its field the way
    the JSON format does (`steps[3].prerequisites[0]: unknown step 's9'`)."""
    problems = draft_problems(draft)
    if problems:
        raise InvalidPath("; ".join(problems))
    cycle = find_cycle(draft.steps)  # type: ignore[arg-type]
    if cycle:
        named = " → ".join(cycle)
        raise InvalidPath(
            f"the prerequisites form a cycle: {named}",
            code="prerequisite_cycle",
            params={"cycle": named},
        )


def draft_problems(draft: PathDraft) -> list[str]:
    """Every problem of the draft except cycles, in document order."""
    problems: list[str] = []
    if not draft.title.strip():
        problems.append("title: a path needs a title")
    if not draft.steps:
        problems.append("steps: a path needs at least one step")
    kinds: dict[str, str] = {}
    for index, step in enumerate(draft.steps):
        if step.key in kinds:
            problems.append(f"steps[{index}].key: two steps share the key {step.key!r}")
        kinds.setdefault(step.key, step.kind)
    for index, step in enumerate(draft.steps):
        problems.extend(_step_problems(f"steps[{index}]", step, kinds))
    problems.extend(_alignment_problems(draft, kinds))
    return problems


def skills_of(draft: PathDraft) -> list[str]:
    """Every skill key the path's steps and questions use, in path order."""
    keys = [skill for step in draft.steps for skill in step.skills]
    keys += [q.skill for step in draft.steps for q in step.questions if q.skill]
    return list(dict.fromkeys(keys))


def _alignment_problems(draft: PathDraft, kinds: dict[str, str]) -> list[str]:
    skills = set(skills_of(draft))
    problems: list[str] = []
    for index, alignment in enumerate(draft.alignments):
        if alignment.skill not in skills:
            problems.append(
                f"alignments[{index}].skill: no step or question of the path "
                f"has the skill {alignment.skill!r}"
            )
        if alignment.step is not None and alignment.step not in kinds:
            problems.append(f"alignments[{index}].step: unknown step {alignment.step!r}")
    return problems


def _step_problems(where: str, step: StepDraft, kinds: dict[str, str]) -> list[str]:
    problems: list[str] = []
    if step.kind not in STEP_KINDS:
        problems.append(f"{where}.kind: must be one of {', '.join(STEP_KINDS)}")
    if not step.title.strip():
        problems.append(f"{where}.title: a step needs a title")
    if step.minutes < 0 or step.minutes > 600:
        problems.append(f"{where}.minutes: must be between 0 and 600")
    for index, required in enumerate(step.prerequisites):
        if required not in kinds:
            problems.append(f"{where}.prerequisites[{index}]: unknown step {required!r}")
    if step.remedial_for and kinds.get(step.remedial_for) != "checkpoint":
        problems.append(
            f"{where}.remedial_for: {step.remedial_for!r} is not a checkpoint of this path"
        )
    if step.kind == "checkpoint" and not step.questions:
        problems.append(f"{where}.checkpoint.questions: a checkpoint needs questions")
    if step.kind != "checkpoint" and step.questions:
        problems.append(f"{where}.checkpoint: only a checkpoint step has questions")
    if step.mastery_threshold is not None and not 0 < step.mastery_threshold <= 1:
        problems.append(
            f"{where}.checkpoint.threshold: the mastery threshold is a fraction in (0, 1]"
        )
    for index, question in enumerate(step.questions):
        problems.extend(_question_problems(f"{where}.checkpoint.questions[{index}]", question))
    return problems


def _question_problems(where: str, question: QuestionDraft) -> list[str]:
    if question.kind not in QUESTION_KINDS:
        return [f"{where}.kind: must be choice or short"]
    if question.kind == "choice" and len(question.choices) < 2:
        return [f"{where}.choices: give at least two choices"]
    if question.kind == "choice" and not (
        isinstance(question.answer, int)
        and not isinstance(question.answer, bool)
        and 0 <= question.answer < len(question.choices)
    ):
        return [
            f"{where}.answer: the answer must be the index of one of its choices "
            f"(0 to {len(question.choices) - 1})"
        ]
    if question.kind == "short" and not question.answer:
        return [f"{where}.accepted: give at least one accepted answer"]
    return []


def create_path(
    session: Session,
    draft: PathDraft,
    *,
    now: datetime,
    tenant_id: int | None,
    course_id: int | None = None,
    owner_id: int | None = None,
    is_template: bool = False,
) -> PathVersion:
    """A new path with its first published version."""
    check_draft(draft)
    path = LearningPath(
        uuid=_free_uuid(session, draft.uuid),
        title=draft.title,
        description=draft.description,
        language=draft.language,
        tenant_id=tenant_id,
        course_id=course_id,
        owner_id=owner_id,
        is_template=is_template,
        created_at=now,
    )
    session.add(path)
    session.flush()
    return publish(session, path, draft, now=now)


def publish(
    session: Session, path: LearningPath, draft: PathDraft, *, now: datetime
) -> PathVersion:
    """Freeze the draft as the path's next version."""
    check_draft(draft)
    number = (
        session.scalar(select(func.max(PathVersion.number)).where(PathVersion.path_id == path.id))
        or 0
    ) + 1
    version = PathVersion(
        path_id=path.id,
        number=number,
        title=draft.title,
        description=draft.description,
        language=draft.language,
        subject=draft.subject,
        level=draft.level,
        skill_labels=[{"key": s.key, "label": s.label} for s in draft.skills],
        published_at=now,
    )
    uuids = _step_uuids(session, path.id, draft.steps)
    version.steps = [_step(s, i, uuids[s.key]) for i, s in enumerate(draft.steps)]
    version.alignments = alignment_rows(session, draft.alignments, path.tenant_id)
    path.title, path.description, path.language = draft.title, draft.description, draft.language
    session.add(version)
    session.flush()
    return version


def _free_uuid(session: Session, wanted: str | None) -> str:
    """The path keeps the identity its document carries, unless another path has it (the
    same file imported twice): then it is a new path with a new identity."""
    if (
        wanted
        and session.scalar(select(LearningPath.id).where(LearningPath.uuid == wanted)) is None
    ):
        return wanted
    return new_uuid()


def _step_uuids(session: Session, path_id: int, steps: tuple[StepDraft, ...]) -> dict[str, str]:
    """Each step keeps its identity: the one its draft carries, else that of the step with
    the same key in the path's previous versions, else a new one; never two alike."""
    known = dict(
        session.execute(
            select(Step.key, Step.uuid)
            .join(PathVersion)
            .where(PathVersion.path_id == path_id)
            .order_by(PathVersion.number)
        )
        .tuples()
        .all()
    )
    uuids: dict[str, str] = {}
    for step in steps:
        candidate = step.uuid or known.get(step.key)
        uuids[step.key] = candidate if candidate and candidate not in uuids.values() else new_uuid()
    return uuids


def _step(draft: StepDraft, position: int, uuid: str) -> Step:
    step = Step(
        key=draft.key,
        uuid=uuid,
        position=position,
        kind=draft.kind,
        title=draft.title,
        instructions=draft.instructions,
        resource_url=draft.resource_url,
        resource_licence=draft.resource_licence,
        resource_source=draft.resource_source,
        resource_framable=draft.resource_framable,
        minutes=draft.minutes,
        skills=list(draft.skills),
        optional=draft.optional,
        prerequisites=list(draft.prerequisites),
        remedial_for=draft.remedial_for,
        mastery_threshold=draft.mastery_threshold,
    )
    step.questions = [
        Question(
            position=i,
            kind=q.kind,
            prompt=q.prompt,
            skill=q.skill,
            choices=list(q.choices),
            answer=q.answer,
            explanation=q.explanation,
        )
        for i, q in enumerate(draft.questions)
    ]
    return step
