"""Creating paths and publishing immutable versions from a draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paths.catalog import QUESTION_KINDS, STEP_KINDS, LearningPath, PathVersion, Question, Step
from paths.errors import DomainError
from paths.graph import check_graph


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


@dataclass(frozen=True)
class PathDraft:
    title: str
    description: str = ""
    language: str = "en"
    steps: tuple[StepDraft, ...] = field(default_factory=tuple)


def check_draft(draft: PathDraft) -> None:
    """Refuse a draft that learners could not follow; messages name the step."""
    if not draft.title.strip():
        raise DomainError("A path needs a title.", code="invalid_path")
    if not draft.steps:
        raise DomainError("A path needs at least one step.", code="invalid_path")
    for step in draft.steps:
        _check_step(step)
    check_graph(draft.steps)  # type: ignore[arg-type]


def _check_step(step: StepDraft) -> None:
    where = f"step {step.key!r}"
    if step.kind not in STEP_KINDS:
        raise DomainError(f"{where}: kind must be one of {', '.join(STEP_KINDS)}",
                          code="invalid_path")
    if step.minutes < 0 or step.minutes > 600:
        raise DomainError(f"{where}: minutes must be between 0 and 600", code="invalid_path")
    if step.kind == "checkpoint" and not step.questions:
        raise DomainError(f"{where}: a checkpoint needs questions", code="invalid_path")
    if step.mastery_threshold is not None and not 0 < step.mastery_threshold <= 1:
        raise DomainError(f"{where}: the mastery threshold is a fraction in (0, 1]",
                          code="invalid_path")
    for index, question in enumerate(step.questions):
        _check_question(f"{where} question {index + 1}", question)


def _check_question(where: str, question: QuestionDraft) -> None:
    if question.kind not in QUESTION_KINDS:
        raise DomainError(f"{where}: kind must be choice or short", code="invalid_path")
    if question.kind == "choice" and not (
            isinstance(question.answer, int) and 0 <= question.answer < len(question.choices)):
        raise DomainError(f"{where}: the answer must be the index of one of its choices",
                          code="invalid_path")
    if question.kind == "short" and not question.answer:
        raise DomainError(f"{where}: give at least one accepted answer", code="invalid_path")


def create_path(session: Session, draft: PathDraft, *, now: datetime, tenant_id: int | None,
                course_id: int | None = None, owner_id: int | None = None,
                is_template: bool = False) -> PathVersion:
    """A new path with its first published version."""
    check_draft(draft)
    path = LearningPath(title=draft.title, description=draft.description,
                        language=draft.language, tenant_id=tenant_id, course_id=course_id,
                        owner_id=owner_id, is_template=is_template, created_at=now)
    session.add(path)
    session.flush()
    return publish(session, path, draft, now=now)


def publish(session: Session, path: LearningPath, draft: PathDraft, *,
            now: datetime) -> PathVersion:
    """Freeze the draft as the path's next version."""
    check_draft(draft)
    number = (session.scalar(select(func.max(PathVersion.number)).where(
        PathVersion.path_id == path.id)) or 0) + 1
    version = PathVersion(path_id=path.id, number=number, title=draft.title,
                          description=draft.description, language=draft.language,
                          published_at=now)
    version.steps = [_step(s, i) for i, s in enumerate(draft.steps)]
    path.title, path.description, path.language = draft.title, draft.description, draft.language
    session.add(version)
    session.flush()
    return version


def _step(draft: StepDraft, position: int) -> Step:
    step = Step(key=draft.key, position=position, kind=draft.kind, title=draft.title,
                instructions=draft.instructions, resource_url=draft.resource_url,
                resource_licence=draft.resource_licence, resource_source=draft.resource_source,
                resource_framable=draft.resource_framable, minutes=draft.minutes,
                skills=list(draft.skills), optional=draft.optional,
                prerequisites=list(draft.prerequisites), remedial_for=draft.remedial_for,
                mastery_threshold=draft.mastery_threshold)
    step.questions = [Question(position=i, kind=q.kind, prompt=q.prompt, skill=q.skill,
                               choices=list(q.choices), answer=q.answer,
                               explanation=q.explanation)
                      for i, q in enumerate(draft.questions)]
    return step
