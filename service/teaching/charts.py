"""Charts for teachers as inline SVG, drawn on the server: no script, nothing to download.

Each function returns the markup of one `<svg role="img">` with a `<title>` and a `<desc>`
that says what it shows; the page puts the same numbers in a table beside it for anyone who
cannot see the picture. Sizes are in the viewBox's units: the chart scales to its box.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import count

from markupsafe import Markup, escape

from paths.class_summary import ProgressBin, QuestionRate
from paths.learner_report import MasteryPoint
from service.wording import gettext as _

# Status colours, the same as the heat map's legend; each has 3:1 contrast on white.
STATUS_COLOURS = {
    "stuck": "#a4161a",
    "behind": "#9a4a00",
    "not_started": "#6e7781",
    "on_track": "#0b5cad",
    "done": "#1a7f37",
}
BAR = "#0b5cad"
LOW = "#a4161a"  # a question most of the class gets wrong
LOW_BELOW = 50  # percent right under which a question is drawn as tripping the class
_ids = count(1)


CHART_QUESTIONS = 12  # bars in the question chart of a long path


def _svg(width: int, height: int, title: str, desc: str, body: str, css: str = "chart") -> Markup:
    n = next(_ids)
    return Markup(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart{n}t chart{n}d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}'
        f"</desc>{body}</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 11) -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="#1b1f24">{escape(text)}</text>'
    )


def status_bar(counts: Sequence[tuple[str, int]], labels: dict[str, str]) -> Markup:
    """The class's statuses as one stacked bar, each part as wide as its share."""
    total = sum(n for _status, n in counts) or 1
    parts, x = [], 0.0
    for status, n in counts:
        width = 400 * n / total
        if n:
            parts.append(
                f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="24" '
                f'fill="{STATUS_COLOURS[status]}"><title>'
                f"{escape(labels[status])}: {n}</title></rect>"
            )
        x += width
    desc = "; ".join(f"{labels[status]}: {n}" for status, n in counts)
    return _svg(400, 24, _("Learners by status"), desc, "".join(parts), css="chart bar")


def progress_histogram(bins: Sequence[ProgressBin]) -> Markup:
    """How many learners have done how much of the path, in bands of ten points."""
    top = max((b.learners for b in bins), default=0) or 1
    width, height, base = 400, 160, 130
    step = width / len(bins)
    body = [f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#4a5560"/>']
    for i, b in enumerate(bins):
        bar = (base - 20) * b.learners / top
        x = i * step
        if b.learners:
            body.append(
                f'<rect x="{x + 3:.1f}" y="{base - bar:.1f}" width="{step - 6:.1f}" '
                f'height="{bar:.1f}" fill="{BAR}"/>'
            )
            body.append(_text(x + step / 2, base - bar - 4, str(b.learners), "middle"))
        body.append(_text(x + step / 2, base + 14, f"{b.low}–{b.high}", "middle", 10))
    body.append(_text(width / 2, base + 28, _("Path done (%)"), "middle"))
    desc = (
        _("Learners per band of the path done:")
        + " "
        + "; ".join(f"{b.low}–{b.high}%: {b.learners}" for b in bins)
    )
    return _svg(width, height, _("How far the class is along the path"), desc, "".join(body))


def question_rates(rates: Sequence[QuestionRate]) -> Markup:
    """One bar per checkpoint question: the share of learners who got it right. A long
    path's chart keeps the questions that trip the class most (the table has them all)."""
    title = _("Checkpoint questions answered right")
    if len(rates) > CHART_QUESTIONS:
        rates = hardest_questions(rates, CHART_QUESTIONS)
        title = _(
            "The %(count)d checkpoint questions the fewest learners answer right",
            count=CHART_QUESTIONS,
        )
    row, label_width, width = 22, 150, 420
    body = []
    for i, rate in enumerate(rates):
        y = i * row
        bar = (width - label_width - 40) * rate.percent / 100
        colour = LOW if rate.answered and rate.percent < LOW_BELOW else BAR
        body.append(_text(0, y + 15, _short_question(rate)))
        if bar:
            body.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{bar:.1f}" height="14" '
                f'fill="{colour}"/>'
            )
        body.append(
            _text(label_width + bar + 4, y + 15, f"{rate.percent}%" if rate.answered else "—")
        )
    desc = "; ".join(
        _(
            "%(question)s: %(right)d of %(answered)d right",
            question=_short_question(r),
            right=r.right,
            answered=r.answered,
        )
        if r.answered
        else _("%(question)s: not answered yet", question=_short_question(r))
        for r in rates
    )
    return _svg(width, max(row, row * len(rates)), title, desc, "".join(body))


def hardest_questions(rates: Sequence[QuestionRate], count: int) -> list[QuestionRate]:
    """The `count` answered questions with the lowest share right (then unanswered ones),
    in path order."""
    ranked = sorted(range(len(rates)), key=lambda i: (not rates[i].answered, rates[i].percent))
    return [rates[i] for i in sorted(ranked[:count])]


def _short_question(rate: QuestionRate) -> str:
    return _("Step %(step)d, question %(question)d", step=rate.step_number, question=rate.question)


def mastery_over_time(skill: str, points: Sequence[MasteryPoint]) -> Markup:
    """One skill's estimated mastery after each answer or study step, oldest first."""
    width, height, left, top, bottom = 300, 120, 34, 8, 96
    gap = (width - left - 8) / max(1, len(points) - 1)
    xy = [(left + i * gap, bottom - (bottom - top) * p.mastery) for i, p in enumerate(points)]
    body = [
        f'<line x1="{left}" y1="{bottom}" x2="{width - 8}" y2="{bottom}" stroke="#4a5560"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#4a5560"/>',
        _text(left - 4, top + 4, "100%", "end", 10),
        _text(left - 4, bottom, "0%", "end", 10),
        f'<polyline fill="none" stroke="{BAR}" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        + '"/>',
        *(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}"/>' for x, y in xy),
    ]
    if points:
        body.append(_text(left, bottom + 16, _day(points[0].at), "start", 10))
        body.append(_text(width - 8, bottom + 16, _day(points[-1].at), "end", 10))
    desc = _(
        "%(skill)s: from %(first)d%% to %(last)d%% over %(count)d answers and study steps",
        skill=skill,
        first=round(100 * points[0].mastery) if points else 0,
        last=round(100 * points[-1].mastery) if points else 0,
        count=len(points),
    )
    return _svg(
        width,
        height,
        _("Mastery of %(skill)s over time", skill=skill),
        desc,
        "".join(body),
        css="chart small",
    )


def _day(at: datetime) -> str:
    return at.strftime("%Y-%m-%d")
