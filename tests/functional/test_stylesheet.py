"""The pages' stylesheet is one static file, addressed by its content's fingerprint and
cached for a year, instead of a <style> block repeated in every page."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from service.assets import LONG_CACHE, fingerprint

CSS = Path(__file__).resolve().parents[2] / "service" / "static" / "selfpath.css"
LINK = re.compile(r'<link rel="stylesheet" href="(/static/selfpath\.css\?v=([0-9a-f]{12}))">')


def stylesheet_link(page: str) -> tuple[str, str]:
    found = LINK.search(page)
    assert found, page[:400]
    return found.group(1), found.group(2)


@pytest.mark.parametrize("url", ["/", "/lti/setup", "/library", "/admin/login"])
def test_pages_link_the_stylesheet_instead_of_inlining_it(client, url):
    page = client.get(url).get_data(as_text=True)
    address, version = stylesheet_link(page)
    assert version == hashlib.sha256(CSS.read_bytes()).hexdigest()[:12]
    assert ":root{" not in page and "box-sizing" not in page


def test_the_learner_page_links_the_same_stylesheet(learner, client):
    address, _ = stylesheet_link(learner.get("/path").get_data(as_text=True))
    assert address == stylesheet_link(client.get("/").get_data(as_text=True))[0]


def test_the_fingerprinted_stylesheet_is_cached_for_a_year(client):
    address, _ = stylesheet_link(client.get("/").get_data(as_text=True))
    with client.get(address) as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
        assert response.headers["Cache-Control"] == LONG_CACHE
        assert ":root{--ink" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "?v=", "?v=000000000000", "?v=../selfpath.css"])
def test_a_stale_or_missing_fingerprint_is_not_cached_for_long(client, query):
    with client.get("/static/selfpath.css" + query) as response:
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_a_missing_static_file_is_not_found_and_not_cached(client):
    response = client.get("/static/missing.css?v=")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("name", ["missing.css", "../__init__.py", "/etc/hostname"])
def test_files_outside_the_static_folder_have_no_fingerprint(app, name):
    with app.test_request_context():
        assert fingerprint(name) == ""
