"""Downloading a path as an IMS Common Cartridge: a course path's version from authoring,
and a library release from its page (for teachers: a cartridge holds the checkpoints'
answers, which the public page never shows)."""

from __future__ import annotations

from flask import Blueprint, Response, request
from sqlalchemy.orm import selectinload

from lti.deep_linking import PathLink
from lti.urls import ToolUrls
from paths.catalog import PathVersion, Step
from paths.library.publishing import PATH_LICENCES, release_of
from service.cartridge.export import LaunchBack, Rights, write_cartridge
from service.extensions import db_session
from service.input_limits import whole_number
from service.library.public import public_entry
from service.path_json import dump_path
from service.settings import current_settings
from service.teaching.authoring import course_path, path_version
from service.teaching.views import require_teacher

bp = Blueprint("cartridge", __name__)
MEDIA_TYPE = "application/vnd.ims.imsccv1p3"


@bp.get("/teach/paths/<int:path_id>/versions/<int:number>/cartridge")
def course_version(path_id: int, number: int) -> Response:
    path = course_path(path_id)
    version = path_version(path.id, number)
    link = PathLink(
        path_id=path.id, version=version.number, title=version.title, text=version.description
    )
    return _download(
        dump_path(version, uuid=path.uuid),
        link,
        Rights(),
        f"path-{path.id}-v{version.number}.imscc",
    )


@bp.get("/library/<uuid>/cartridge")
def library_release(uuid: str) -> Response:
    require_teacher()
    entry = public_entry(uuid)
    release = release_of(db_session(), entry, whole_number(request.args.get("release", "")))
    version = db_session().get(
        PathVersion,
        release.version_id,
        options=[selectinload(PathVersion.steps).selectinload(Step.questions)],
    )
    assert version is not None
    link = PathLink(
        path_id=version.path_id,
        version=release.number,
        title=version.title,
        text=version.description,
        library_entry=entry.uuid,
    )
    rights = Rights(
        licence=release.licence,
        licence_url=PATH_LICENCES.get(release.licence),
        credit=release.credit,
    )
    return _download(
        dump_path(version, uuid=entry.uuid),
        link,
        rights,
        f"library-{entry.uuid}-r{release.number}.imscc",
    )


def _download(
    document: dict[str, object], link: PathLink, rights: Rights, filename: str
) -> Response:
    launch = LaunchBack(ToolUrls(current_settings().base_url).launch, link.custom())
    body = write_cartridge(document, launch, rights)
    db_session().commit()
    return Response(
        body,
        mimetype=MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
