"""The file a teacher uploads to import a path: a `selfpath-path/1` JSON file or a Common
Cartridge (`.imscc`, any zip), told apart by their first bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, session
from flask_babel import gettext as _

from paths.errors import DomainError
from service.cartridge.importer import read_cartridge
from service.cartridge.package import LIMITS, is_package
from service.path_json import parse_document

IMPORT_ENDPOINT = "authoring.import_path"


@dataclass(frozen=True)
class Upload:
    document: Any
    notes: tuple[str, ...] = ()  # what the teacher should know about the import


def allow_cartridge_size(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A course exported as a cartridge may be larger than any form Selfpath takes: only
    the import accepts it. (Runs before the request's form is first read.)"""
    if endpoint == IMPORT_ENDPOINT:
        request.max_content_length = LIMITS.package_bytes


def read_upload() -> Upload:
    if set(request.files) - {"file"}:
        raise DomainError("Unexpected file field.", code="invalid_form")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DomainError(
            "Choose a JSON file or a Common Cartridge (.imscc) to import.", code="no_file"
        )
    raw = upload.read()
    upload.close()  # a large upload is spooled to a temporary file
    if is_package(raw) or upload.filename.lower().endswith((".imscc", ".zip")):
        return _cartridge(raw)
    if len(raw) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise DomainError("A path's JSON file can be at most 2 MB.", code="json_too_large")
    return Upload(parse_document(raw))


def _cartridge(raw: bytes) -> Upload:
    language = str(session.get("locale") or "en")[:2]
    cartridge = read_cartridge(raw, language=language if language in ("en", "vi") else "en")
    notes = []
    if cartridge.licence:
        notes.append(
            _(
                "The cartridge's licence: %(licence)s. Keep to it if you share this path.",
                licence=cartridge.licence,
            )
        )
    if cartridge.left_out:
        notes.append(
            _(
                "Left out, because a path cannot launch other tools: %(titles)s.",
                titles=", ".join(f"“{t}”" for t in cartridge.left_out),
            )
        )
    return Upload(cartridge.document, tuple(notes))
