"""Static files the pages share (the stylesheet): each is addressed with a fingerprint of
its content, so a browser keeps it for a year and fetches it again only when it changes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request

from service.fixed_urls import fixed_url

LONG_CACHE = "public, max-age=31536000, immutable"
FINGERPRINTS = "selfpath.asset_fingerprints"  # app.extensions: {filename: fingerprint}


def install(app: Flask) -> None:
    app.jinja_env.globals.update(asset_url=asset_url)
    app.after_request(_cache_fingerprinted)


def asset_url(filename: str) -> str:
    """The address of a static file with its content's fingerprint: /static/a.css?v=…"""
    return fixed_url("static", filename=filename, v=fingerprint(filename))


def fingerprint(filename: str) -> str:
    """The first 12 hex digits of the file's SHA-256, read once per application; an empty
    string for a file that is not among the static files."""
    known: dict[str, str] = current_app.extensions.setdefault(FINGERPRINTS, {})
    if filename not in known:  # once per application: no path resolution on every page
        folder = Path(current_app.static_folder or "").resolve()
        path = (folder / filename).resolve()
        inside = path.is_relative_to(folder) and path.is_file()
        known[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if inside else ""
    return known[filename]


def _cache_fingerprinted(response: Response) -> Response:
    """A static file asked for with its current fingerprint never changes at that address."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    asked = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    if asked and asked == fingerprint(filename):
        response.headers["Cache-Control"] = LONG_CACHE
    return response
