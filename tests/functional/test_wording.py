"""The gettext and ngettext Python code words labels with (service/wording.py): what
Flask-Babel's give, in each language, inside force_locale too, from a catalog read once."""

from __future__ import annotations

import flask_babel
import pytest

from service import i18n, wording

CASES = [
    ("Done", {}),
    ("%(done)d of %(goal)d minutes this week", {"done": 45, "goal": 120}),
]
PLURALS = [("%(num)d step done", "%(num)d steps done", n) for n in (1, 2, 7)]


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_words_are_flask_babels_in_each_language(app, language):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        for string, variables in CASES:
            assert wording.gettext(string, **variables) == flask_babel.gettext(string, **variables)
        for singular, plural, num in PLURALS:
            assert wording.ngettext(singular, plural, num) == flask_babel.ngettext(
                singular, plural, num
            )
        if language == "vi":
            assert wording.gettext("Done") != "Done"  # translated, not passed through


def test_force_locale_changes_the_catalog_for_its_block_only(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert wording.gettext("Done") == "Done"
        with flask_babel.force_locale("vi"):
            assert wording.gettext("Done") == flask_babel.gettext("Done") != "Done"
        assert wording.gettext("Done") == "Done"


def test_the_catalog_is_looked_up_once_per_request(app, monkeypatch):
    lookups = []
    real = wording.get_translations

    def counted():
        lookups.append(1)
        return real()

    monkeypatch.setattr(wording, "get_translations", counted)
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        for _ in range(5):
            wording.gettext("Done")
            wording.ngettext("%(num)d step done", "%(num)d steps done", 2)
    assert len(lookups) == 1


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_reason_for_a_next_step_is_worded_in_the_readers_language(app, language):
    params = {
        "checkpoint": "Kiểm tra",
        "skills": "tìm kiếm",
        "days_left": "3",
        "minutes_left": "40",
    }
    with app.test_request_context("/", headers={"Accept-Language": language}):
        for code, message in i18n.REASONS.items():
            worded = i18n.reason_sentence(code, params)
            assert worded == flask_babel.gettext(message) % params
            if language == "vi":
                assert worded != message % params, code  # every reason is translated
        assert i18n.reason_sentence("no_such_reason", params) == ""
