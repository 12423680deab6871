"""A page's visible text, and the English left in a translated page."""

from __future__ import annotations

import html
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


PO = ROOT / "service/translations/vi/LC_MESSAGES/messages.po"


def catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="vi")


def english_phrases() -> list[str]:
    """UI sentences of the catalog (at least three words, no placeholders)."""
    phrases = []
    for message in catalog():
        text = message.id if isinstance(message.id, str) else None
        if text and "%(" not in text and len(text.split()) >= 3:
            phrases.append(text)
    return phrases


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
