"""Checkpoint questions as a QTI 1.2 assessment in the Common Cartridge profile: multiple
choice with its right answer, short answer (fill in the blank) with its accepted answers,
and the explanation as general feedback; and such an assessment read back."""

from __future__ import annotations

import html
import re
from typing import Any

from service.cartridge.package import CartridgeError
from service.cartridge.vocabulary import EXAM, FILL_IN_THE_BLANK, MULTIPLE_CHOICE, QTI, TRUE_FALSE
from service.lazy_xml import etree

RESPONSE = "response1"
FEEDBACK = "general_fb"
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def _q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), attributes)
    if text is not None:
        element.text = text
    return element


def _metadata(parent: etree._Element, fields: dict[str, str]) -> None:
    metadata = _sub(parent, "qtimetadata")
    for label, entry in fields.items():
        field = _sub(metadata, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _text(parent: etree._Element, text: str) -> None:
    _sub(_sub(parent, "material"), "mattext", text, texttype="text/plain")


def assessment_xml(
    identifier: str, title: str, instructions: str, questions: list[dict[str, Any]]
) -> bytes:
    root = etree.Element(_q("questestinterop"), nsmap={None: QTI})
    assessment = _sub(root, "assessment", ident=identifier, title=title)
    _metadata(
        assessment,
        {
            "cc_profile": EXAM,
            "qmd_assessmenttype": "Examination",
            "qmd_scoretype": "Percentage",
            "cc_maxattempts": "unlimited",
        },
    )
    if instructions:
        _text(_sub(_sub(assessment, "presentation_material"), "flow_mat"), instructions)
    section = _sub(assessment, "section", ident="root_section")
    for number, question in enumerate(questions, start=1):
        _item(section, f"{identifier}-q{number}", number, question)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _item(section: etree._Element, ident: str, number: int, question: dict[str, Any]) -> None:
    choice = question["kind"] == "choice"
    item = _sub(section, "item", ident=ident, title=f"Question {number}")
    _metadata(
        _sub(item, "itemmetadata"),
        {
            "cc_profile": MULTIPLE_CHOICE if choice else FILL_IN_THE_BLANK,
            "cc_weighting": "1",
            "qmd_computerscored": "Yes",
        },
    )
    presentation = _sub(item, "presentation")
    _text(presentation, question["prompt"])
    if choice:
        response = _sub(presentation, "response_lid", ident=RESPONSE, rcardinality="Single")
        render = _sub(response, "render_choice", shuffle="No")
        for index, text in enumerate(question["choices"]):
            _text(_sub(render, "response_label", ident=f"choice{index}"), text)
        right = [f"choice{question['answer']}"]
    else:
        response = _sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
        _sub(
            _sub(response, "render_fib", fibtype="String", prompt="Box"),
            "response_label",
            ident="answer1",
        )
        right = list(question["accepted"])
    _scoring(
        item,
        right,
        case="No" if not choice else None,
        explanation=question.get("explanation") or "",
    )


def _scoring(item: etree._Element, right: list[str], *, case: str | None, explanation: str) -> None:
    processing = _sub(item, "resprocessing")
    _sub(
        _sub(processing, "outcomes"),
        "decvar",
        varname="SCORE",
        vartype="Decimal",
        minvalue="0",
        maxvalue="100",
    )
    if explanation:
        general = _sub(processing, "respcondition", **{"continue": "Yes"})
        _sub(_sub(general, "conditionvar"), "other")
        _sub(general, "displayfeedback", feedbacktype="Response", linkrefid=FEEDBACK)
    correct = _sub(processing, "respcondition", **{"continue": "No"})
    condition = _sub(correct, "conditionvar")
    for value in right:
        attributes = {"respident": RESPONSE} | ({"case": case} if case else {})
        _sub(condition, "varequal", value, **attributes)
    _sub(correct, "setvar", "100", action="Set", varname="SCORE")
    if explanation:
        feedback = _sub(item, "itemfeedback", ident=FEEDBACK)
        _text(_sub(feedback, "flow_mat"), explanation)


# -- reading -------------------------------------------------------------------------------


def _all(element: etree._Element, tag: str) -> list[etree._Element]:
    return list(element.iter(f"{{*}}{tag}"))


def _first(element: etree._Element, tag: str) -> etree._Element | None:
    found = _all(element, tag)
    return found[0] if found else None


def _within(element: etree._Element, tag: str) -> etree._Element:
    """The first `tag` inside the element, or the element itself when it has none."""
    found = _first(element, tag)
    return element if found is None else found


def plain_text(element: etree._Element | None) -> str:
    """The text of a `material` (or any element), HTML tags removed: LMSs write HTML."""
    if element is None:
        return ""
    parts = []
    for mattext in _all(element, "mattext") or [element]:
        text = "".join(mattext.itertext())
        if mattext.get("texttype", "text/plain") == "text/html":
            text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text)))
        parts.append(text.strip())
    return " ".join(p for p in parts if p)


def read_instructions(root: etree._Element) -> str:
    material = _first(root, "presentation_material")
    return plain_text(material) if material is not None else ""


def read_questions(root: etree._Element, part: str) -> list[dict[str, Any]]:
    """The questions of an assessment, in `selfpath-path/1` form; an item Selfpath cannot
    check is refused with its number (`…/assessment.xml item 3`)."""
    if etree.QName(root).localname != "questestinterop" or _first(root, "assessment") is None:
        raise CartridgeError(part, "it is not a QTI 1.2 assessment (no questestinterop/assessment)")
    items = _all(root, "item")
    if not items:
        raise CartridgeError(part, "the assessment has no questions")
    return [_question(item, f"{part} item {number}") for number, item in enumerate(items, start=1)]


def _profile(item: etree._Element) -> str:
    for field in _all(item, "qtimetadatafield"):
        label = _first(field, "fieldlabel")
        if label is not None and (label.text or "").strip() == "cc_profile":
            entry = _first(field, "fieldentry")
            return (entry.text or "").strip() if entry is not None else ""
    if _first(item, "response_lid") is not None:
        return MULTIPLE_CHOICE
    return FILL_IN_THE_BLANK if _first(item, "response_str") is not None else ""


def _question(item: etree._Element, where: str) -> dict[str, Any]:
    profile = _profile(item)
    prompt = plain_text(_first(_within(item, "presentation"), "material"))
    if not prompt:
        raise CartridgeError(where, "the question has no text")
    out: dict[str, Any] = {
        "prompt": prompt[:2000],
        "skill": None,
        "explanation": _explanation(item)[:2000],
    }
    if profile in (MULTIPLE_CHOICE, TRUE_FALSE):
        return out | _choice(item, where)
    if profile == FILL_IN_THE_BLANK:
        accepted = [value for value in _right_values(item) if value]
        if not accepted:
            raise CartridgeError(where, "the short-answer question has no accepted answer")
        return out | {"kind": "short", "accepted": [a[:500] for a in accepted]}
    raise CartridgeError(
        where,
        f"questions of type {profile or 'unknown'!r} cannot be "
        "checked by Selfpath (only multiple choice, true/false and short "
        "answer)",
    )


def _choice(item: etree._Element, where: str) -> dict[str, Any]:
    labels = _all(_within(item, "render_choice"), "response_label")
    idents = [label.get("ident", "") for label in labels]
    choices = [plain_text(label)[:500] for label in labels]
    right = [value for value in _right_values(item) if value in idents]
    if len(labels) < 2 or not all(choices):
        raise CartridgeError(
            where, "a multiple-choice question needs at least two choices, each with text"
        )
    if len(set(right)) != 1:
        raise CartridgeError(where, "a multiple-choice question needs exactly one right choice")
    return {"kind": "choice", "choices": choices, "answer": idents.index(right[0])}


def _right_values(item: etree._Element) -> list[str]:
    """The answers of the conditions that give the highest positive score."""
    scored: list[tuple[float, list[str]]] = []
    for condition in _all(item, "respcondition"):
        setvar = _first(condition, "setvar")
        try:
            score = float((setvar.text or "").strip()) if setvar is not None else 0.0
        except ValueError:
            score = 0.0
        values = [(v.text or "").strip() for v in _all(condition, "varequal")]
        if score > 0 and values:
            scored.append((score, values))
    best = max((score for score, _ in scored), default=0.0)
    return [value for score, values in scored if score == best for value in values]


def _explanation(item: etree._Element) -> str:
    for feedback in _all(item, "itemfeedback"):
        if feedback.get("ident") == FEEDBACK:
            return plain_text(feedback)
    return ""
