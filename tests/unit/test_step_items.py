"""My path's step items, written in Python: every value escaped, a locked step not a link,
flags only on the steps still to do."""

from __future__ import annotations

from service.learner.my_path import StepRow, step_item


def row(**changes: str | None) -> StepRow:
    fields = {
        "key": "read-1",
        "title": "Fractions & decimals",
        "url": "/path/steps/read-1",
        "status": "available",
        "details": "Read · 10 min",
        "note": "Available",
        "flag": "recommended",
    }
    return StepRow(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_step_to_do_links_to_its_page_with_its_flag():
    html = step_item(row(), flags=True)
    assert html == (
        '<li class="s-available" data-step="read-1" data-status="available">'
        '<span class="icon i-available" aria-hidden="true"></span><span>'
        '<a href="/path/steps/read-1">Fractions &amp; decimals</a>'
        ' <span class="badge flag">recommended</span><br>'
        '<span class="muted">Available · Read · 10 min</span></span></li>'
    )


def test_a_locked_step_is_not_a_link():
    html = step_item(row(url=None, status="locked", flag=""), flags=True)
    assert "<strong>Fractions &amp; decimals</strong>" in html and "<a " not in html


def test_finished_steps_show_no_flag():
    assert "badge" not in step_item(row(status="done"), flags=False)


def test_every_value_from_a_path_is_escaped():
    hostile = '"><script>alert(1)</script>'
    html = step_item(
        row(key=hostile, title=hostile, url=hostile, note=hostile, details=hostile, flag=hostile),
        flags=True,
    )
    assert "<script>" not in html and html.count("&lt;script&gt;") == 6
