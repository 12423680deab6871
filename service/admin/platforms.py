"""Platforms and their deployments: approve or refuse a dynamic registration, enable,
disable, delete (after a confirmation)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from lti import registrations
from service.admin.blueprint import bp
from service.extensions import db_session
from service.lti.services import lti_services


@bp.get("/")
def platforms() -> str:
    return render_template(
        "admin/platforms.html", platforms=registrations.list_platforms(db_session())
    )


@bp.post("/platforms/<int:platform_id>/<any(enable, disable):action>")
def switch_platform(platform_id: int, action: str) -> Response:
    platform = registrations.set_platform_enabled(db_session(), platform_id, action == "enable")
    return _done(f"{platform.name} (client {platform.client_id}) is now {action}d.", platform_id)


@bp.post("/platforms/<int:platform_id>/approve")
def approve_platform(platform_id: int) -> Response:
    platform = registrations.approve_platform(db_session(), platform_id)
    return _done(
        f"{platform.name} (client {platform.client_id}) is approved: its "
        "launches work from now on.",
        platform_id,
    )


@bp.post("/platforms/<int:platform_id>/refuse")
def refuse_platform(platform_id: int) -> Response:
    platform = registrations.refuse_platform(db_session(), platform_id)
    return _done(
        f"The registration of {platform.name} (client {platform.client_id}) was "
        "refused and removed.",
        platform_id,
    )


@bp.post("/platforms/<int:platform_id>/new-deployments/<any(accept, hold):policy>")
def new_deployments(platform_id: int, policy: str) -> Response:
    platform = registrations.set_accepts_new_deployments(
        db_session(), platform_id, policy == "accept"
    )
    what = (
        "enabled at their first launch"
        if policy == "accept"
        else "kept disabled until you enable them"
    )
    return _done(f"New deployments of {platform.name} are now {what}.")


@bp.post("/deployments/<int:row_id>/<any(enable, disable):action>")
def switch_deployment(row_id: int, action: str) -> Response:
    deployment = registrations.set_deployment_enabled(db_session(), row_id, action == "enable")
    return _done(
        f"Deployment {deployment.deployment_id} of {deployment.platform.name} is now {action}d."
    )


@bp.get("/platforms/<int:platform_id>/delete")
def confirm_platform_delete(platform_id: int) -> str:
    platform = registrations.get_platform(db_session(), platform_id)
    return render_template(
        "admin/confirm_delete.html",
        platform=platform,
        deployment=None,
        action=url_for("admin.delete_platform", platform_id=platform_id),
    )


@bp.post("/platforms/<int:platform_id>/delete")
def delete_platform(platform_id: int) -> Response:
    platform = registrations.delete_platform(db_session(), platform_id)
    return _done(f"{platform.name} (client {platform.client_id}) was deleted.", platform_id)


@bp.get("/deployments/<int:row_id>/delete")
def confirm_deployment_delete(row_id: int) -> str:
    deployment = registrations.get_deployment(db_session(), row_id)
    return render_template(
        "admin/confirm_delete.html",
        platform=deployment.platform,
        deployment=deployment,
        action=url_for("admin.delete_deployment", row_id=row_id),
    )


@bp.post("/deployments/<int:row_id>/delete")
def delete_deployment(row_id: int) -> Response:
    deployment = registrations.delete_deployment(db_session(), row_id)
    return _done(f"Deployment {deployment.deployment_id} was deleted.")


def _done(message: str, platform_id: int | None = None) -> Response:
    db_session().commit()
    if platform_id is not None:  # this process at once; the others within a minute
        lti_services().frame_origins.forget(platform_id)
    flash(message)
    return redirect(url_for("admin.platforms"))
