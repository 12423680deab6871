"""A template's `_`: the words of the request's catalog as markup, made once per catalog
and message, with the values put in escaped."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from service import i18n
from service.i18n import catalog_markup, template_gettext
from service.wording import page_translations


def test_a_templates_words_come_from_the_requests_catalog_made_markup_once(app):
    for locale, words in (("vi", "Tiếp theo"), ("en", "Up next")):
        with app.test_request_context("/path"), force_locale(locale):
            first = template_gettext("Up next")
            assert first == words and isinstance(first, Markup)
            assert catalog_markup(page_translations(), "Up next") is first
            done = template_gettext("%(done)d of %(total)d required steps done", done=3, total=7)
            assert "3" in done and "7" in done and "%(" not in done


def test_values_put_in_a_templates_words_are_escaped(app):
    with app.test_request_context("/path"), force_locale("en"):
        assert template_gettext("Mastery: %(percent)d%%", percent=40) == "Mastery: 40%"
        assert "&lt;b&gt;" in template_gettext("about %(time)s left", time="<b>5 min</b>")


def test_a_catalog_keeps_a_bounded_number_of_messages(app, monkeypatch):
    monkeypatch.setattr(i18n, "MARKUP_KEPT", 0)
    with app.test_request_context("/path"), force_locale("en"):
        catalog = page_translations()
        kept = dict(catalog.__dict__.get("selfpath_markup", {}))
        assert catalog_markup(catalog, "a message no template has") == "a message no template has"
        assert catalog.__dict__["selfpath_markup"] == kept


def test_each_render_words_its_page_in_the_language_chosen_for_it(app):
    page = "{{ _('Up next') }} · {{ _('Mastery: %(percent)d%%', percent=40) }}"
    with app.test_request_context("/path"):
        with force_locale("vi"):
            assert render_template_string(page).startswith("Tiếp theo · ")
        with force_locale("en"):
            assert render_template_string(page) == "Up next · Mastery: 40%"
