"""Labels and step links that pages build once per request give what the slower,
per-step way gave."""

from __future__ import annotations

import pytest
from flask import url_for
from flask_babel import force_locale, gettext, ngettext

from service.i18n import locked_until, minutes_label, step_kind_label, step_url


@pytest.mark.parametrize("key", ["search-basics", "u1-r3", "a b/c?d"])
def test_step_links_are_what_url_for_builds(app, key):
    with app.test_request_context("/path"):
        assert step_url(key) == url_for("learner.step", key=key)


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_labels_are_translated_as_gettext_translates_them(app, locale):
    with app.test_request_context("/path"), force_locale(locale):
        assert step_kind_label("checkpoint") == gettext("Checkpoint")
        assert minutes_label(1) == ngettext("%(num)d minute", "%(num)d minutes", 1)
        assert minutes_label(25) == ngettext("%(num)d minute", "%(num)d minutes", 25)
        assert locked_until(["A", "B"]) == gettext(
            "Locked until you finish: %(steps)s", steps="A, B"
        )
        assert step_kind_label("unknown-kind") == "unknown-kind"


def test_a_templates_labels_follow_the_language_even_when_it_is_forced_midway(app):
    template = app.jinja_env.from_string(
        "{{ _('Up next') }}|{{ ngettext('%(num)d step done', '%(num)d steps done', 2) }}"
    )
    with app.test_request_context("/path?hl=vi"):
        vietnamese = template.render()
        with force_locale("en"):
            assert template.render() == "Up next|2 steps done"
        assert template.render() == vietnamese
    assert vietnamese == f"{gettext_in('vi', 'Up next')}|{gettext_in('vi', '2 steps done')}"


def gettext_in(locale: str, text: str) -> str:
    from babel.support import Translations

    catalog = Translations.load("service/translations", [locale])
    if text == "2 steps done":
        return catalog.ungettext("%(num)d step done", "%(num)d steps done", 2) % {"num": 2}
    return catalog.ugettext(text)


def test_a_templates_labels_escape_their_values_and_keep_percent_signs(app):
    template = app.jinja_env.from_string(
        "{{ _('Mastery: %(percent)d%%', percent=40) }}|{{ _('Your teacher\\'s due date: "
        "%(date)s', date='<b>soon</b>') }}|{{ ngettext('%(num)d step done', '%(num)d steps "
        "done', 1) }}"
    )
    with app.test_request_context("/path?hl=en"):
        assert template.render() == (
            "Mastery: 40%|Your teacher's due date: &lt;b&gt;soon&lt;/b&gt;|1 step done"
        )
