"""What "My path" shows, worded once per page: the up-next card, the goal summary, and the
steps grouped by skill with a mastery bar each. The template only prints these fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from markupsafe import Markup, escape

from paths.learning.selfreg import explain
from paths.skill_names import SkillNames
from paths.study import goals
from paths.study.path_view import (
    AVAILABLE,
    DONE,
    LOCKED,
    REVIEW_DUE,
    TESTED_OUT,
    PathView,
    StepState,
)
from paths.version_cache import PerVersion
from service.dates import day_label
from service.i18n import (
    locked_wording,
    reason_sentence,
    step_labels,
    step_url,
    step_url_pattern,
    step_urls,
)
from service.wording import gettext as _
from service.wording import ngettext, page_translations

FINISHED = frozenset({DONE, TESTED_OUT})  # folded away under "done" in each group
SHOWN_STEPS = "selfpath.shown_steps"  # the app's steps as shown (shown_steps), by create_app
SHOWN_STEPS_SIZE = 4096  # a path's steps in their few states, in two languages: 500 or so


@dataclass(frozen=True)
class StepRow:
    key: str
    title: str
    url: str | None  # None for a locked step: nothing to open yet
    status: str
    details: str  # kind, minutes, optional
    note: str  # what the status means for the learner
    flag: str  # "recommended" or "not passed yet", or ""


@dataclass(frozen=True)
class ShownStep:
    """A step as My path shows it in one state: its row and its `<li>` (with its flag
    when it is still to do; a finished step's list shows none)."""

    row: StepRow
    item: str


@dataclass(frozen=True)
class SkillGroup:
    skill: str | None  # None: the steps that name no skill
    name: str
    percent: int
    verdict: str  # paths.learning.selfreg.judge's, or "" for the steps without a skill
    verdict_label: str
    to_do: tuple[StepRow, ...]
    finished: tuple[StepRow, ...]
    finished_label: str
    to_do_items: Markup
    finished_items: Markup


def shown_steps() -> PerVersion[ShownStep]:
    """The application's steps as shown, by language, address and state: a class on one
    path shows the same few states of the same steps, each worded and escaped once."""
    caches: PerVersion[ShownStep] = current_app.extensions[SHOWN_STEPS]
    return caches


def step_item(row: StepRow, *, flags: bool) -> str:
    """A step's `<li>`, written here rather than in a template loop: a path has dozens of
    steps, and a loop in the template costs several times as much per step."""
    status, title = escape(row.status), escape(row.title)
    link = f'<a href="{escape(row.url)}">{title}</a>' if row.url else f"<strong>{title}</strong>"
    flag = f' <span class="badge flag">{escape(row.flag)}</span>' if flags and row.flag else ""
    return (
        f'<li class="s-{status}" data-step="{escape(row.key)}" data-status="{status}">'
        f'<span class="icon i-{status}" aria-hidden="true"></span><span>{link}{flag}<br>'
        f'<span class="muted">{escape(row.note)} · {escape(row.details)}</span></span></li>'
    )


@dataclass(frozen=True)
class UpNextCard:
    title: str | None
    url: str | None
    details: str
    reason: str


@dataclass(frozen=True)
class MyPathPage:
    up_next: UpNextCard
    goal_summary: str
    groups: tuple[SkillGroup, ...]
    notice: str | None  # "Step done" for the step just finished, above the page


def my_path_page(
    view: PathView, names: SkillNames, now: datetime, just_done: str | None = None
) -> MyPathPage:
    return MyPathPage(
        up_next=_up_next(view),
        goal_summary=goal_summary(view, now),
        groups=_groups(view, names),
        notice=_just_done_notice(view, just_done),
    )


def _just_done_notice(view: PathView, key: str | None) -> str | None:
    """The notice for the step the address names as just finished, when it is a finished
    step of this path (a made-up or stale address shows nothing)."""
    if not key:
        return None
    finished = any(item.step.key == key and item.status in FINISHED for item in view.steps)
    return _("Step done. Well done!") if finished else None


def _up_next(view: PathView) -> UpNextCard:
    reason = reason_sentence(view.up_next.reason, view.up_next.params)
    step = view.up_next_step
    if step is None:
        return UpNextCard(None, None, "", reason)
    kinds, minutes = step_labels()
    return UpNextCard(
        step.title, step_url(step.key), f"{kinds[step.kind]} · {minutes[step.minutes]}", reason
    )


def goal_summary(view: PathView, now: datetime) -> str:
    """ "45 of 120 minutes this week; about 70 minutes a week needed to finish by 10/12/2026"."""
    minutes = {item.step.key: item.step.minutes for item in view.steps}
    studied = goals.minutes_studied_since(view.progress, minutes, goals.week_start(now))
    weekly = view.goal_minutes_per_week
    parts = [
        _("%(done)d of %(goal)d minutes this week", done=studied, goal=weekly)
        if weekly
        else ngettext(
            "%(num)d minute studied this week", "%(num)d minutes studied this week", studied
        )
    ]
    finish_by = _finish_by(view)
    if view.minutes_left == 0:
        parts.append(_("every required step is done"))
    elif finish_by is not None:
        needed = goals.minutes_per_week_needed(view.minutes_left, now, finish_by)
        parts.append(
            _("the date %(date)s has passed: choose a new one", date=day_label(finish_by))
            if needed is None
            else _(
                "about %(minutes)d minutes a week needed to finish by %(date)s",
                minutes=needed,
                date=day_label(finish_by),
            )
        )
    summary = "; ".join(str(part) for part in parts)
    return summary[:1].upper() + summary[1:]


def _finish_by(view: PathView) -> date | None:
    """The earlier of the learner's target date and the teacher's due date."""
    known = [view.goal_target_date, view.due_at.date() if view.due_at else None]
    dates = [d for d in known if d is not None]
    return min(dates) if dates else None


def _groups(view: PathView, names: SkillNames) -> tuple[SkillGroup, ...]:
    """One group per skill, in the order the path first reaches it; each step in the group
    of its first skill."""
    members: dict[str | None, list[StepState]] = {}
    for item in view.steps:
        members.setdefault(item.step.skills[0] if item.step.skills else None, []).append(item)
    shown = _StepsShown()
    skills = [skill for skill in members if skill is not None]
    evidence = {item.skill: item for item in explain(view.mastery, skills)}
    verdicts = _verdict_labels()
    groups = []
    for skill, items in members.items():
        steps = [shown(item) for item in items]
        finished = [step for step in steps if step.row.status in FINISHED]
        to_do = [step for step in steps if step.row.status not in FINISHED]
        done_label = ngettext("%(num)d step done", "%(num)d steps done", len(finished))
        lists = (
            tuple(step.row for step in to_do),
            tuple(step.row for step in finished),
            done_label,
            Markup("\n".join([step.item for step in to_do])),
            Markup("\n".join([step.item for step in finished])),
        )
        if skill is None:
            groups.append(SkillGroup(None, _("Other steps"), 0, "", "", *lists))
            continue
        found = evidence[skill]
        groups.append(
            SkillGroup(
                skill,
                names[skill],
                found.percent,
                found.verdict,
                verdicts[found.verdict],
                *lists,
            )
        )
    return tuple(groups)


def _verdict_labels() -> dict[str, str]:
    return {
        "mastered": _("Mastered"),
        "not_yet": _("Not mastered yet"),
        "unsure": _("Not sure yet"),
        "no_evidence": _("No answers yet"),
    }


class _StepsShown:
    """Each step of the page from the application's cache, keyed by the request's catalog
    and step address and the step's state; worded (`_StepWording`) only when missing."""

    def __init__(self) -> None:
        self._cache = shown_steps()
        self._context = (page_translations(), step_url_pattern())
        self._wording: _StepWording | None = None

    def __call__(self, item: StepState) -> ShownStep:
        key = (self._context, *_StepWording.inputs(item))
        return self._cache.get(key, lambda: self._shown(item))

    def _shown(self, item: StepState) -> ShownStep:
        if self._wording is None:
            self._wording = _StepWording()
        row = self._wording.row(item)
        return ShownStep(row, step_item(row, flags=row.status not in FINISHED))


class _StepWording:
    """The labels many steps share, translated once for the page."""

    def __init__(self) -> None:
        self.kinds, self.minutes = step_labels()
        self.url, self.locked = step_urls(), locked_wording()
        self.optional = _("optional")
        self.notes = {
            DONE: _("Done"),
            TESTED_OUT: _("Tested out: you already master this"),
            REVIEW_DUE: _("Done · Review due: take this check again"),
            AVAILABLE: _("Available"),
        }
        self.recommended = _("recommended")
        self.not_passed = _("not passed yet")

    @staticmethod
    def inputs(item: StepState) -> tuple[object, ...]:
        """Everything `row` and `step_item` read of a step and its state, as plain values: the
        key a shown step is kept by (a step's own hash and equality go over all its fields)."""
        step = item.step
        return (
            step.key,
            step.title,
            step.kind,
            step.minutes,
            step.optional,
            item.status,
            item.locked_by,
            item.recommended,
            item.failed_checkpoint,
        )

    def row(self, item: StepState) -> StepRow:
        step, status = item.step, item.status
        details = [self.kinds[step.kind], self.minutes[step.minutes]]
        if step.optional:
            details.append(self.optional)
        if status == LOCKED:
            note, url = self.locked % {"steps": ", ".join(item.locked_by)}, None
        else:
            note, url = self.notes.get(status, ""), self.url(step.key)
        return StepRow(
            step.key, step.title, url, status, " · ".join(details), note, self._flag(item)
        )

    def _flag(self, item: StepState) -> str:
        if item.recommended:
            return self.recommended
        if item.failed_checkpoint:
            return self.not_passed
        return ""
