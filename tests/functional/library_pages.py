"""The open library's pages: a path to publish and its form."""

from __future__ import annotations

import html
import json
import re

from pyld import jsonld

from tests.functional.learner_pages import page_of, token

PHOTOSYNTHESIS = "Quang hợp ở thực vật"


def publish_form(browser, path_id: int, **fields: str):
    page = page_of(browser.client, f"/teach/library/publish/{path_id}")
    return browser.client.post(
        f"/teach/library/publish/{path_id}", data={"csrf_token": token(page), **fields}
    )


SCHEMA = "https://schema.org/"


def linked_data(page: str) -> dict:
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(html.unescape(raw))


def expanded(document: dict) -> dict:
    def offline(url, options=None):  # the context is inline: nothing may be fetched
        raise AssertionError(f"the JSON-LD asked to fetch {url}")

    [node] = jsonld.expand(document, {"documentLoader": offline})
    return node
