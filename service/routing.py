"""Where a launch lands: a learner's path, a teacher's activity page, or a welcome."""

from __future__ import annotations

from flask import Response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lti.launch import Launch
from lti.provisioning import LaunchParties
from paths.people import LEARNER, TEACHER


def landing(launch: Launch, parties: LaunchParties) -> ResponseReturnValue:
    from service.teaching import deep_link

    if launch.is_deep_linking:
        deep_link.begin(launch)
        return redirect(url_for("deep_link.choose"), code=303)
    if parties.activity_id is None:
        return Response(render_template("lti/landing.html", launch=launch, parties=parties))
    assignment = deep_link.assign_linked_path(launch, parties)
    if launch.role == TEACHER:
        return redirect(url_for("teaching.activity"), code=303)
    if launch.role == LEARNER and assignment is not None:
        return redirect(url_for("learner.my_path"), code=303)
    return Response(render_template("learner/no_path.html", launch=launch))
