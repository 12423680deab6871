"""The heat map's markup written in Python: step titles escaped in the header, and each
run of cells labelled for screen readers in the reader's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from paths.dashboard import StepColumn
from service.teaching.heat_map import HeatMap

STEPS = (
    StepColumn(1, "a", "Read <this> & that", "read"),
    StepColumn(2, "b", "Check", "checkpoint"),
    StepColumn(3, "c", "Last", "read"),
)


def test_the_header_names_each_step_with_its_title_escaped(app):
    with app.test_request_context("/teach"):
        header = str(HeatMap(STEPS).header())
    assert header.count('<th scope="col" class="step">') == 3
    assert '<abbr title="Read &lt;this&gt; &amp; that">1</abbr>' in header
    assert '<span class="vh"> Read &lt;this&gt; &amp; that</span>' in header


@pytest.mark.parametrize(
    ("locale", "failed", "rest"),
    [
        ("en", "Checkpoint not passed: step 2", "To do: steps 3–4"),
        ("vi", "Chưa đạt bài kiểm tra: bước 2", "các bước 3–4"),
    ],
)
def test_a_row_is_one_cell_per_run_labelled_in_the_reader_s_language(app, locale, failed, rest):
    with app.test_request_context("/teach"), force_locale(locale):
        cells = str(HeatMap(STEPS).cells("■✗··"))
    assert cells.count("<td ") == 3
    assert f'<td class="c-failed"><span class="vh">{failed}</span></td>' in cells
    assert '<td class="c-todo" colspan="2">' in cells and rest in cells
