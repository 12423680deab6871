"""Deep Linking: a teacher adding Selfpath to a course chooses the paths to place."""

from __future__ import annotations

from flask import Blueprint, render_template, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from lti import keys
from lti.deep_linking import DeepLinkRequest, PathLink, response_jwt
from lti.launch import Launch
from lti.provisioning import LaunchParties
from lti.urls import ToolUrls
from paths.catalog_queries import find_placeable_path, paths_for_teacher, version_of
from paths.enrollment import Assignment, assign
from paths.errors import DomainError, Forbidden
from paths.people import TEACHER
from service.clock import now
from service.extensions import db_session
from service.forms import load_indexed
from service.settings import current_settings
from service.teaching.views import require_teacher

bp = Blueprint("deep_link", __name__, url_prefix="/teach/deep-link")
SESSION_KEY = "deep_link"


def begin(launch: Launch) -> None:
    """Remember the request for the selection page; only teachers may place content."""
    if launch.role != TEACHER:
        raise Forbidden("Only the course's teachers can add Selfpath activities.",
                        code="teachers_only")
    session[SESSION_KEY] = DeepLinkRequest.from_launch(launch).to_dict()


def pending_request() -> DeepLinkRequest:
    raw = session.get(SESSION_KEY)
    if not raw:
        raise Forbidden("This content selection has ended. Add the activity again from "
                        "your LMS.", code="deep_link_missing")
    return DeepLinkRequest.from_dict(raw)


@bp.get("")
def choose() -> str:
    require_teacher()
    request = pending_request()
    groups = paths_for_teacher(db_session(), session["tenant_id"], session.get("course_id"),
                               session["user_id"])
    db_session().commit()
    return render_template("teaching/deep_link.html", request=request, groups=groups)


@bp.post("")
def answer() -> ResponseReturnValue:
    require_teacher()
    request = pending_request()
    chosen, extra = load_indexed("path-", {"cancel", "path"})
    ids = [_path_id(v) for v in chosen.values()] + (
        [_path_id(extra["path"])] if "path" in extra else [])
    links = [] if "cancel" in extra else [_link(i) for i in dict.fromkeys(ids)]
    if not links and "cancel" not in extra:
        raise DomainError("Choose at least one path, or cancel.", code="nothing_chosen")
    token = response_jwt(request, links, ToolUrls(current_settings().base_url).launch,
                         keys.signing_key(db_session(), now()), now(),
                         message=_("Selfpath paths added.") if links else None)
    db_session().commit()
    session.pop(SESSION_KEY, None)
    return render_template("teaching/deep_link_return.html", return_url=request.return_url,
                           token=token, count=len(links))


def _path_id(raw: str) -> int:
    if not raw.isdigit():
        raise DomainError("Unexpected path.", code="invalid_form")
    return int(raw)


def _link(path_id: int) -> PathLink:
    path = find_placeable_path(db_session(), path_id, session["tenant_id"],
                               session.get("course_id"), session["user_id"])
    version = version_of(db_session(), path.id, None)
    return PathLink(path_id=path.id, version=version.number, title=version.title,
                    text=version.description)


def assign_linked_path(launch: Launch, parties: LaunchParties) -> Assignment | None:
    """The activity's assignment; an activity created by deep linking carries its path in
    custom parameters, assigned on its first launch."""
    raw_id = str(launch.custom.get("path_id", ""))
    if parties.activity is None or not raw_id.isdigit() or parties.assignment is not None:
        return parties.assignment
    path = find_placeable_path(db_session(), int(raw_id), parties.tenant.id,
                               parties.course.id if parties.course else None, None)
    raw_version = str(launch.custom.get("path_version", ""))
    version = version_of(db_session(), path.id,
                         int(raw_version) if raw_version.isdigit() else None)
    assignment = assign(db_session(), parties.activity.id, version, assigned_by=None, now=now())
    db_session().commit()
    return assignment
