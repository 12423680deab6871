"""Languages: Vietnamese and English, chosen from the launch's locale claim."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from babel.support import NullTranslations
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale, lazy_gettext
from markupsafe import Markup

from service.dates import day_label, duration_label, moment_label
from service.fixed_urls import fixed_url
from service.wording import N_, gettext, page_translations

K = TypeVar("K", bound=Hashable)
LANGUAGES = ("en", "vi")
babel = Babel()


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
    # A template's `_()` and `ngettext()` go straight to the catalog: the same result as
    # the new-style wrappers Flask-Babel installs (markup, then % with the variables), without
    # two more calls through the template context on each of a page's labels.
    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext
    )
    app.context_processor(_page_context)
    app.jinja_env.globals.update(
        step_kind_label=step_kind_label,
        minutes_label=minutes_label,
        locked_until=locked_until,
        step_url=step_url,
        step_labels=step_labels,
        day_label=day_label,
        moment_label=moment_label,
        duration_label=duration_label,
    )


def _page_context() -> dict[str, Any]:
    """What each rendered page is given: its language, and `_` bound to its catalog (the
    globals above stay for templates imported without the page's context)."""
    words = page_words(page_translations())
    return {"current_lang": lambda: str(get_locale() or "en"), "_": words, "gettext": words}


def page_words(translations: NullTranslations) -> Callable[..., Markup]:
    """`template_gettext` for one page, its catalog looked up once for all its labels."""

    def words(string: str, **variables: Any) -> Markup:
        found = catalog_markup(translations, string)
        return found % variables if "%" in found else found

    return words


def template_gettext(string: str, **variables: Any) -> Markup:
    """A template's `_("…", name=value)`: the catalog's words are markup (as in Jinja's
    new-style gettext); the values are escaped as they are put in. Pages are given
    `page_words` instead; this is for templates imported without the page's context."""
    return page_words(page_translations())(string, **variables)


MARKUP_KEPT = 4096
"""Template messages whose markup a catalog keeps (templates word a few hundred)."""


def catalog_markup(translations: NullTranslations, string: str) -> Markup:
    """The catalog's words for `string` as markup, made once per catalog and message: a
    page words dozens of labels, each looked up and made markup on every page before."""
    kept: dict[str, Markup] | None = translations.__dict__.get("selfpath_markup")
    if kept is None:
        kept = translations.__dict__["selfpath_markup"] = {}
    words = kept.get(string)
    if words is None:
        words = Markup(translations.ugettext(string))
        if len(kept) < MARKUP_KEPT:
            kept[string] = words
    return words


def template_ngettext(singular: str, plural: str, num: int, **variables: Any) -> Markup:
    """A template's `ngettext("… %(num)d …", "…", n)`: `num` is a variable too."""
    variables.setdefault("num", num)
    return Markup(page_translations().ungettext(singular, plural, num)) % variables


def language_of(locale: str | None) -> str | None:
    """`vi`, `vi-VN`, `vi_VN` → `vi`; anything unsupported → None."""
    if not locale:
        return None
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def select_locale() -> str:
    """The launch's language; on public pages, the one chosen with `?hl=` or the
    browser's."""
    chosen = language_of(session.get("locale")) or language_of(request.args.get("hl"))
    if chosen:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


# Every reason code of the recommendation engine (paths/learning/recommend.py).
STEP_KIND_LABELS = {
    "read": lazy_gettext("Read"),
    "watch": lazy_gettext("Watch"),
    "practice": lazy_gettext("Practice"),
    "checkpoint": lazy_gettext("Checkpoint"),
    "reflect": lazy_gettext("Reflect"),
    "external": lazy_gettext("External resource"),
}


def step_kind_label(kind: str) -> str:
    """A step's kind in the reader's language."""
    return step_labels()[0][kind]


def minutes_label(number: int) -> str:
    return step_labels()[1][number]


def _minutes(number: int) -> str:
    return duration_label(number)


class _Worded(dict[K, str]):
    """Labels worded on first use, then looked up like any dict."""

    def __init__(self, word: Callable[[K], str]) -> None:
        super().__init__()
        self._word = word

    def __missing__(self, key: K) -> str:
        value = self[key] = self._word(key)
        return value


def step_labels() -> tuple[Mapping[str, str], Mapping[int, str]]:
    """A step's kind and its minutes in the reader's language, for a page that lists many
    steps: each distinct label is worded once per request, then read as a dict lookup."""
    labels: tuple[_Worded[str], _Worded[int]] | None = g.get("selfpath_step_labels")
    if labels is None:
        labels = (_Worded(lambda kind: str(STEP_KIND_LABELS.get(kind, kind))), _Worded(_minutes))
        g.selfpath_step_labels = labels
    return labels


def locked_until(titles: Sequence[str]) -> str:
    """ "Locked until you finish: …" for a step that waits on `titles`."""
    return locked_wording() % {"steps": ", ".join(titles)}


def locked_wording() -> str:
    """ "Locked until you finish: %(steps)s" in the reader's language, once per request."""
    return _once_per_request("locked", lambda: gettext("Locked until you finish: %(steps)s"))


STEP_KEY_SLOT = "__step_key__"
URL_SAFE = "!$&'()*+,/:;=@"  # what werkzeug leaves unquoted in a URL path


def step_url(key: str) -> str:
    """The address of a step's page: the route (with whatever the URL defaults add) is
    built once per request, not once per step."""
    return step_urls()(key)


def step_urls() -> Callable[[str], str]:
    """`step_url` for a page that links many steps: the request's route read once."""
    head, _slot, tail = step_url_pattern().partition(STEP_KEY_SLOT)
    return lambda key: f"{head}{quote(key, safe=URL_SAFE)}{tail}"


def step_url_pattern() -> str:
    """The request's address of a step's page, with STEP_KEY_SLOT where the key goes."""
    return fixed_url("learner.step", key=STEP_KEY_SLOT)


def _once_per_request(key: Hashable, word: Callable[[], str]) -> str:
    """Each label is translated once per request: a path page shows the same few labels
    on every step, and each catalog lookup costs as much as a small statement."""
    labels: dict[Hashable, str] = g.setdefault("selfpath_labels", {})
    if key not in labels:
        labels[key] = word()
    return labels[key]


REASONS = {
    "remedial_after_checkpoint": N_(
        "The check “%(checkpoint)s” showed a gap: this step reviews it before you try again."
    ),
    "remedial_after_review": N_(
        "Your review of “%(checkpoint)s” showed that some of it has faded: this step goes "
        "over it again before you retake it."
    ),
    "review_due": N_("“%(checkpoint)s” is due for review, so what you learned stays fresh."),
    "closes_mastery_gap": N_("This step does the most for the skills you still need: %(skills)s."),
    "ready_for_checkpoint": N_("You seem ready for %(skills)s: this check can confirm it."),
    "try_check_first": N_(
        "You may already know %(skills)s: try this check first. If you pass it, you can "
        "skip the reading and practice before it."
    ),
    "behind_schedule": N_(
        "To reach your date (%(days_left)s days left, about %(minutes_left)s minutes of work), "
        "this is the quickest gain on %(skills)s."
    ),
    "next_in_path": N_("This is the next step of your path."),
    "optional_extra": N_("Your required steps are done; this optional step takes you further."),
    "path_complete": N_("You have finished every step of this path."),
}


def reason_sentence(code: str, params: dict[str, str]) -> str:
    message = REASONS.get(code)
    return gettext(message) % params if message is not None else ""


MESSAGES = {
    "session_missing": lazy_gettext(
        "Your Selfpath session has ended. Open the activity again from your course in the LMS."
    ),
    "no_path_yet": lazy_gettext("Your teacher has not chosen a path for this activity yet."),
    "step_not_found": lazy_gettext("This step is not part of your path."),
    "not_a_checkpoint": lazy_gettext("This step has no checkpoint to answer."),
    "step_locked": lazy_gettext("This step is locked. Finish first: %(steps)s."),
    "checkpoint_not_markable": lazy_gettext(
        "A checkpoint is done by passing it, not by marking it done."
    ),
    "bad_confidence": lazy_gettext("Confidence is a number from 1 to 5."),
    "reflection_too_long": lazy_gettext("A reflection can be at most 2000 characters."),
    "bad_answer": lazy_gettext("An answer does not belong to this checkpoint."),
    "bad_goal": lazy_gettext(
        "Choose between 10 and 3000 minutes a week, and a target date that is not past."
    ),
    "placement_taken": lazy_gettext("The placement check has already been taken."),
    "no_such_skill": lazy_gettext("This path has no question on that skill."),
    "invalid_form": lazy_gettext("Some of what you sent is not valid: %(details)s"),
    "csrf": lazy_gettext(
        "The form expired or did not come from Selfpath. Go back, reload the page and try again."
    ),
    "teachers_only": lazy_gettext("Only the course's teachers can do this."),
    "no_course": lazy_gettext("Open Selfpath from a course in your LMS to author its paths."),
    "path_not_in_course": lazy_gettext("That path is not one of this course's paths."),
    "invalid_path": lazy_gettext("This path has problems to fix: %(details)s"),
    "prerequisite_cycle": lazy_gettext("The prerequisites form a cycle: %(cycle)s"),
    "invalid_json": lazy_gettext("The file is not valid JSON: %(details)s"),
    "not_utf8": lazy_gettext("The file is not UTF-8 text."),
    "no_file": lazy_gettext("Choose a JSON file or a Common Cartridge (.imscc) to import."),
    "json_too_large": lazy_gettext("A path's JSON file can be at most 2 MB."),
    "invalid_cartridge": lazy_gettext("The Common Cartridge cannot be imported: %(details)s"),
    "draft_step_not_found": lazy_gettext("That step is not in this path's draft."),
    "not_a_checkpoint_step": lazy_gettext("Only a checkpoint step has questions."),
    "question_not_found": lazy_gettext("That question is not in this checkpoint."),
    "no_accepted_answer": lazy_gettext("Give at least one accepted answer, one per line."),
    "no_right_choice": lazy_gettext("Write at least two choices and mark the right one."),
    "nothing_to_publish": lazy_gettext("The draft has no changes since the last version."),
    "version_not_found": lazy_gettext("That version of the path does not exist."),
    "no_assignment": lazy_gettext("No path is assigned to this activity yet."),
    "same_version": lazy_gettext("This activity already uses that version."),
    "other_path_version": lazy_gettext("That version belongs to another path."),
    "resource_not_found": lazy_gettext("That resource is not in the catalogue."),
    "invalid_case_package": lazy_gettext("This CASE package cannot be imported: %(details)s"),
    "unknown_case_identifier": lazy_gettext(
        "Associations name identifiers that are not in the package: %(identifiers)s"
    ),
    "case_cycle": lazy_gettext("The %(kind)s associations form a cycle: %(cycle)s"),
    "case_too_large": lazy_gettext(
        "The file is too large to be a CASE package Selfpath can import."
    ),
    "framework_elsewhere": lazy_gettext(
        "This framework is already on Selfpath for every school or for another school, so "
        "it cannot be imported here."
    ),
    "unknown_competency": lazy_gettext(
        "A competency the path is aligned to is not available to this school: %(details)s"
    ),
    "competency_not_found": lazy_gettext("That competency is not available to this school."),
    "alignment_not_found": lazy_gettext("That alignment is not in this path's draft."),
    "skill_not_in_path": lazy_gettext("No step or question of this path has that skill."),
}


def translated(code: str, message: str, params: dict[str, str]) -> str:
    """The person's-language wording of a known error, or the message as given."""
    template = MESSAGES.get(code)
    if template is None:
        return message
    try:
        return str(template) % {"details": message, **params}
    except (KeyError, ValueError):
        return message
