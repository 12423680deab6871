"""Deep Linking: a teacher adding Selfpath to a course chooses the paths to place."""

from __future__ import annotations

from flask import Blueprint, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from lti import keys
from lti.deep_linking import DeepLinkRequest, PathLink, response_jwt
from lti.launch import Launch
from lti.provisioning import LaunchParties
from lti.urls import ToolUrls
from paths.catalog import PathVersion
from paths.catalog_queries import find_placeable_path, paths_for_teacher, version_of
from paths.enrollment import assign
from paths.errors import DomainError, Forbidden, NotFound
from paths.library.models import LibraryEntry, LibraryRelease
from paths.library.publishing import PATH_LICENCES
from paths.library.search import search_library
from paths.people import TEACHER
from service.clock import now
from service.extensions import db_session
from service.forms import load_indexed
from service.input_limits import whole_number
from service.library.finder import filter_choices, library_query, query_args
from service.settings import current_settings
from service.teaching.views import require_teacher

bp = Blueprint("deep_link", __name__, url_prefix="/teach/deep-link")
SESSION_KEY = "deep_link"


def begin(launch: Launch) -> None:
    """Remember the request for the selection page; only teachers may place content."""
    if launch.role != TEACHER:
        raise Forbidden(
            "Only the course's teachers can add Selfpath activities.", code="teachers_only"
        )
    session[SESSION_KEY] = DeepLinkRequest.from_launch(launch).to_dict()


def pending_request() -> DeepLinkRequest:
    raw = session.get(SESSION_KEY)
    if not raw:
        raise Forbidden(
            "This content selection has ended. Add the activity again from your LMS.",
            code="deep_link_missing",
        )
    return DeepLinkRequest.from_dict(raw)


@bp.get("")
def choose() -> ResponseReturnValue:
    require_teacher()
    return selection_page(pending_request())


def selection_page(pending: DeepLinkRequest, error: str | None = None) -> ResponseReturnValue:
    """The paths to choose from; with `error`, what was wrong with the last choice, shown
    above the form (status 400)."""
    groups = paths_for_teacher(
        db_session(), session["tenant_id"], session.get("course_id"), session["user_id"]
    )
    query = library_query(request.args)
    library = search_library(db_session(), query)
    db_session().commit()
    return render_template(
        "teaching/deep_link.html",
        pending=pending,
        groups=groups,
        query=query,
        page=library,
        args=query_args(query),
        choices=filter_choices(),
        licences=PATH_LICENCES,
        error=error,
    ), 400 if error else 200


@bp.post("")
def answer() -> ResponseReturnValue:
    require_teacher()
    pending = pending_request()
    chosen, extra = load_indexed("path-", {"cancel", "path"})
    values = [*chosen.values(), *([extra["path"]] if "path" in extra else [])]
    links = [] if "cancel" in extra else [_link(v) for v in dict.fromkeys(values)]
    if not links and "cancel" not in extra:
        return selection_page(pending, error=_("Choose at least one path, or cancel."))
    token = response_jwt(
        pending,
        links,
        ToolUrls(current_settings().base_url).launch,
        keys.signing_key(db_session(), now()),
        now(),
        message=_("Selfpath paths added.") if links else None,
    )
    db_session().commit()
    session.pop(SESSION_KEY, None)
    return render_template(
        "teaching/deep_link_return.html",
        return_url=pending.return_url,
        token=token,
        count=len(links),
    )


def _number(raw: str) -> int:
    number = whole_number(raw)
    if number is None:
        raise DomainError("Unexpected path.", code="invalid_form")
    return number


def _link(value: str) -> PathLink:
    """A course path (`<id>`) or a library release (`library:<id>`) as a content item."""
    if value.startswith("library:"):
        return _library_link(_number(value.removeprefix("library:")))
    path = find_placeable_path(
        db_session(),
        _number(value),
        session["tenant_id"],
        session.get("course_id"),
        session["user_id"],
    )
    version = version_of(db_session(), path.id, None)
    return PathLink(
        path_id=path.id, version=version.number, title=version.title, text=version.description
    )


def _library_link(release_id: int) -> PathLink:
    release = db_session().get(LibraryRelease, release_id)
    if release is None or not release.entry.listed:
        raise NotFound("That path is no longer offered by the library.", code="entry_not_found")
    return PathLink(
        path_id=0,
        version=release.number,
        title=release.entry.title,
        text=release.entry.description,
        library_entry=release.entry.uuid,
    )


def assign_linked_path(launch: Launch, parties: LaunchParties) -> int | None:
    """The id of the activity's assignment; an activity created by deep linking carries
    its path in custom parameters, assigned on its first launch."""
    if parties.activity_id is None or parties.assignment_id is not None:
        return parties.assignment_id
    if launch.custom.get("library_entry"):
        return _assign_library_release(launch, parties)
    path_id = whole_number(str(launch.custom.get("path_id", "")))
    if path_id is None:
        return parties.assignment_id
    path = find_placeable_path(db_session(), path_id, parties.tenant_id, parties.course_id, None)
    version = version_of(
        db_session(), path.id, whole_number(str(launch.custom.get("path_version", "")))
    )
    assignment = assign(db_session(), parties.activity_id, version, assigned_by=None, now=now())
    db_session().commit()
    return assignment.id


def _assign_library_release(launch: Launch, parties: LaunchParties) -> int | None:
    """The library release the link names. One that was withdrawn or unlisted since is
    still assigned: the teacher chose it while it was offered."""
    assert parties.activity_id is not None
    uuid = str(launch.custom.get("library_entry", ""))[:36]
    number = whole_number(str(launch.custom.get("library_version", "")))
    release = (
        db_session()
        .scalars(
            select(LibraryRelease)
            .join(LibraryEntry)
            .where(LibraryEntry.uuid == uuid, LibraryRelease.number == number)
        )
        .first()
    )
    if release is None:
        return None
    version = db_session().get(PathVersion, release.version_id)
    assert version is not None
    assignment = assign(db_session(), parties.activity_id, version, assigned_by=None, now=now())
    db_session().commit()
    return assignment.id
