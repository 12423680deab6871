"""The heat map's markup: its header of step columns and each learner's row of cells.

A 200-step heat map of 30 learners is thousands of cells, so it is written here rather than
cell by cell in the template: the labels are translated once per page, the header is
escaped once per page, and a row is a few runs of cells (paths.class_summary.cell_runs).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from paths.class_summary import cell_runs
from paths.dashboard import StepColumn
from service.wording import gettext as _


class HeatMap:
    """One page's heat map: the labels read by screen readers, translated for the reader."""

    def __init__(self, steps: Sequence[StepColumn]) -> None:
        self.steps = steps
        self.labels = {
            "done": _("Done"),
            "tested_out": _("Tested out"),
            "failed": _("Checkpoint not passed"),
            "todo": _("To do"),
        }
        # The catalogue's own words are markup, as the templates take them.
        self._one_step = _("%(status)s: step %(number)s")
        self._many_steps = _("%(status)s: steps %(first)s–%(last)s")

    def header(self) -> Markup:
        """A column header per step: its number, with its title for every reader."""
        return Markup(
            "".join(
                f'<th scope="col" class="step"><abbr title="{title}">{step.number}</abbr>'
                f'<span class="vh"> {title}</span></th>'
                for step in self.steps
                for title in (escape(step.title),)
            )
        )

    def cells(self, symbols: str) -> Markup:
        """A learner's row: neighbouring steps of one status share a cell spanning them."""
        parts = []
        for run in cell_runs(symbols):
            label = self.labels[run.status]
            if run.length > 1:
                words = self._many_steps % {
                    "status": label,
                    "first": run.first + 1,
                    "last": run.first + run.length,
                }
                span = f' colspan="{run.length}"'
            else:
                words = self._one_step % {"status": label, "number": run.first + 1}
                span = ""
            parts.append(f'<td class="c-{run.status}"{span}><span class="vh">{words}</span></td>')
        return Markup("".join(parts))
