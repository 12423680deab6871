"""The open library's public face: what is in it and each entry's page, for anyone,
inside or outside an LMS."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request, url_for
from sqlalchemy.orm import selectinload

from paths.catalog import PathVersion, Step
from paths.competencies.alignments import educational_alignment, version_alignments
from paths.errors import NotFound
from paths.library.attribution import source_entry
from paths.library.models import LibraryEntry, LibraryRelease
from paths.library.publishing import (
    PATH_LICENCES,
    adaptation_count,
    listed_entry,
    release_of,
)
from paths.library.search import search_library
from service.extensions import db_session
from service.input_limits import whole_number
from service.library.finder import filter_choices, library_query, query_args
from service.library.linked_data import learning_resource
from service.settings import current_settings

bp = Blueprint("library", __name__, url_prefix="/library")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@bp.get("")
def index() -> str:
    query = library_query(request.args)
    page = search_library(db_session(), query)
    return render_template(
        "library/index.html",
        page=page,
        query=query,
        args=query_args(query) | chosen_language(),
        hl=chosen_language(),
        language_args=language_args(query_args(query)),
        choices=filter_choices(),
        licences=PATH_LICENCES,
    )


def language_args(args: dict[str, str]) -> dict[str, dict[str, str]]:
    """The same page in each language: its arguments with `hl` set."""
    return {code: {**args, "hl": code} for code in ("vi", "en")}


def chosen_language() -> dict[str, str]:
    """The language a visitor chose with `?hl=`, kept on the links they follow."""
    hl = request.args.get("hl", "")
    return {"hl": hl} if hl in ("en", "vi") else {}


@bp.get("/<uuid>")
def entry(uuid: str) -> str:
    found = public_entry(uuid)
    release = release_of(db_session(), found, _release_number())
    page = entry_page(found, release)
    return render_template(
        "library/entry.html",
        **page,
        hl=chosen_language(),
        language_args=language_args({"uuid": uuid}),
        linked_data=_linked_data(found, release, page),
    )


def _linked_data(
    entry: LibraryEntry, release: LibraryRelease, page: dict[str, object]
) -> dict[str, object]:
    version, alignments = page["version"], page["educational_alignment"]
    assert isinstance(version, PathVersion) and isinstance(alignments, list)
    source = source_entry(db_session(), entry.path_id)
    return learning_resource(
        entry,
        release,
        version,
        page_url=public_url(entry.uuid),
        based_on=public_url(source.uuid) if source else None,
        alignments=alignments,
    )


def public_url(uuid: str) -> str:
    """An entry's public page at the site's own address (BASE_URL), however it was reached."""
    return current_settings().base_url + url_for("library.entry", uuid=uuid)


def public_entry(uuid: str) -> LibraryEntry:
    if not UUID.match(uuid):
        raise NotFound("That library entry does not exist.", code="entry_not_found")
    return listed_entry(db_session(), uuid)


def _release_number() -> int | None:
    return whole_number(request.args.get("release", ""))


def entry_page(entry: LibraryEntry, release: LibraryRelease) -> dict[str, object]:
    """What an entry's page shows: every step with its resource, source and licence, and
    how many questions each checkpoint asks (never the answers)."""
    version = db_session().get(
        PathVersion,
        release.version_id,
        options=[selectinload(PathVersion.steps).selectinload(Step.questions)],
    )
    assert version is not None
    alignments = version_alignments(db_session(), version.id)
    return {
        "entry": entry,
        "release": release,
        "version": version,
        "alignments": alignments,
        # schema.org/LRMI `educationalAlignment`, for the page's JSON-LD
        "educational_alignment": educational_alignment(alignments),
        "skill_names": {s["key"]: s["label"] for s in release.skills},
        "licences": PATH_LICENCES,
        "choices": filter_choices(),
        "adaptations": adaptation_count(db_session(), entry),
    }
