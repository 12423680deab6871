"""CSV cells a spreadsheet program opens as text, never as a formula.

A learner's name comes from the LMS, and a learner can choose it: `=HYPERLINK(...)` or
`+cmd|...` would run as a formula in the teacher's spreadsheet. Following OWASP's CSV
injection advice, a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return is prefixed with a single quote, which spreadsheets show as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: object) -> object:
    """The value as written to the CSV; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_text_row(values: list[object]) -> list[object]:
    return [as_text_cell(value) for value in values]
