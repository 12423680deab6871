"""The demo LMS pages: a course page that launches Selfpath, and the platform endpoints."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_babel import force_locale

from lti import claims
from lti.urls import ToolUrls, origin_of
from service.demo import lms
from service.demo.platform import launch_claims
from service.extensions import csrf
from service.settings import current_settings

bp = Blueprint("demo", __name__, url_prefix="/demo")

STORAGE_FRAME = "post_message_forwarding"  # the name Canvas gives its storage frame
MESSAGE_HINTS = {"resource": claims.RESOURCE_LINK_REQUEST, "deep-link": claims.DEEP_LINKING_REQUEST}


def _tool() -> ToolUrls:
    return ToolUrls(current_settings().base_url)


@bp.get("")
def home() -> str:
    """The course page. Like Canvas it offers platform storage (`lti_storage_target` and a
    storage frame); with `?storage=0`, like Moodle, it does not."""
    storage = request.args.get("storage", "1") != "0"
    launches = [
        ("Launch as learner", "learner", "resource"),
        ("Launch as teacher", "teacher", "resource"),
        ("Học bằng tiếng Việt (launch as a Vietnamese-speaking learner)", "learner-vi", "resource"),
        ("Dạy bằng tiếng Việt (launch as a Vietnamese-speaking teacher)", "teacher-vi", "resource"),
        ("Launch as learner on the next unit (no path chosen yet)", "learner-new", "resource"),
        (
            "Học chủ đề tiếp theo (launch as a Vietnamese-speaking learner, no path chosen yet)",
            "learner-new-vi",
            "resource",
        ),
        ("Add Selfpath to the course (deep linking)", "teacher", "deep-link"),
        (
            "Thêm Selfpath vào khóa học (deep linking, as a Vietnamese-speaking teacher)",
            "teacher-vi",
            "deep-link",
        ),
    ]
    with force_locale("en"):  # the demo LMS speaks English (its buttons say who speaks what)
        return render_template(
            "demo/course.html",
            launches=launches,
            tool=_tool(),
            issuer=lms.issuer(),
            client_id=lms.CLIENT_ID,
            deployment_id=lms.DEPLOYMENT_ID,
            course=lms.COURSE,
            storage_target=STORAGE_FRAME if storage else None,
        )


@bp.get("/storage")
def storage_frame() -> str:
    """The platform's storage frame: answers lti.capabilities, lti.put_data, lti.get_data."""
    return render_template("demo/storage.html", tool_origin=origin_of(current_settings().base_url))


@bp.get("/jwks")
def jwks() -> Response:
    return jsonify({"keys": [lms.demo_key().jwk]})


@bp.get("/auth")
def authorize() -> str:
    """The platform's OIDC authorization endpoint: answers with a signed id_token."""
    args = request.args
    tool = _tool()
    problems = [
        name
        for name, ok in (
            ("client_id", args.get("client_id") == lms.CLIENT_ID),
            ("redirect_uri", args.get("redirect_uri") == tool.launch),
            ("scope", args.get("scope") == "openid"),
            ("response_type", args.get("response_type") == "id_token"),
            ("response_mode", args.get("response_mode") == "form_post"),
            ("login_hint", args.get("login_hint") in lms.PEOPLE),
            ("nonce", bool(args.get("nonce"))),
            ("state", bool(args.get("state"))),
        )
        if not ok
    ]
    if problems:
        abort(
            400,
            description="The demo LMS refused the authorization request: "
            + ", ".join(problems)
            + " invalid.",
        )
    message_type = MESSAGE_HINTS.get(args.get("lti_message_hint", ""), claims.RESOURCE_LINK_REQUEST)
    body = launch_claims(
        issuer=lms.issuer(),
        client_id=lms.CLIENT_ID,
        deployment_id=lms.DEPLOYMENT_ID,
        nonce=args["nonce"],
        target_link_uri=tool.launch,
        who=lms.PEOPLE[args["login_hint"]],
        message_type=message_type,
        deep_link_return_url=lms.issuer() + "/deep-link-return",
    )
    return render_template(
        "demo/form_post.html",
        action=args["redirect_uri"],
        fields={"id_token": lms.demo_key().sign(body), "state": args["state"]},
    )


@bp.post("/deep-link-return")
@csrf.exempt
def deep_link_return() -> str:
    """Where a deep-linking response comes back to the demo LMS."""
    with force_locale("en"):
        return render_template("demo/deep_link_return.html", has_jwt=bool(request.form.get("JWT")))
