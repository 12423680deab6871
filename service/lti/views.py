"""The `/lti` endpoints: login initiation, launch, the tool's key set, the setup pages and
dynamic registration. The checks themselves are in `lti/`; this reads the request,
hands `lti/` its collaborators and answers."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue

from lti import keys
from lti.dynamic_registration import RegistrationInvite, register_with_platform
from lti.errors import LaunchRefused
from lti.launch_log import ACCEPTED, REFUSED, record_launch
from lti.login import LOGIN_PARAMS, start_login
from lti.models import Platform
from lti.provisioning import provision
from lti.registrations import get_platform, is_canvas
from lti.registry import KnownPlatform
from lti.urls import ToolUrls, canvas_configuration, origin_of
from lti.validation import LaunchRequest, LaunchValidator, StateNotBound
from paths.db import utcnow
from paths.errors import DomainError
from service.errors import error_response
from service.extensions import csrf, db_session
from service.lti.services import lti_services
from service.rate_limits import client_address, rate_limited
from service.routing import landing
from service.security import allow_framing_by
from service.settings import current_settings
from service.web_session import (
    STATE_COOKIE_PREFIX,
    clear_iframe_cookie,
    cookies_came_back,
    set_iframe_cookie,
    start_session,
)

bp = Blueprint("lti", __name__, url_prefix="/lti")
log = logging.getLogger("selfpath.lti")
STORAGE_KEY_PREFIX = "selfpath_state_"
# Each registration makes Selfpath call the address it is given: a few a minute is plenty.
REGISTRATION_RATE_LIMIT = "10 per minute"


def tool_urls() -> ToolUrls:
    return ToolUrls(current_settings().base_url)


def _login_limit_key() -> str:
    """Per platform and client address (lti/login_limit.py says why)."""
    return lti_services().login_limit_keys.key(
        db_session(),
        client_address(),
        request.values.get("iss", ""),
        request.values.get("client_id", ""),
    )


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
@rate_limited(
    lambda: current_settings().lti_login_rate_limit,
    key=_login_limit_key,
    message="Too many launches started from this address in a short time. "
    "Wait a minute, then open the activity again.",
)
def login() -> Response:
    params = request.values.to_dict()
    settings = current_settings()
    store = lti_services().state_store(db_session())
    try:
        started = start_login(
            db_session(),
            store,
            lti_services().registry,
            params,
            base_url=settings.base_url,
            redirect_uri=tool_urls().launch,
            ttl=settings.launch_state_seconds,
            now=utcnow(),
        )
    except LaunchRefused as refused:
        db_session().rollback()
        record_launch(
            db_session(),
            outcome=REFUSED,
            now=utcnow(),
            reason_code=refused.code,
            reason=refused.message,
            body={"iss": params.get("iss"), "aud": params.get("client_id")},
        )
        db_session().commit()
        return error_response(
            refused.status,
            refused.code,
            refused.message,
            title="Selfpath could not start this launch",
        )
    if db_session().in_transaction():  # with Redis, a returning platform's login has none
        db_session().commit()
    pending = started.pending
    if pending.storage_target:
        response = Response(
            render_template(
                "lti/storage_login.html",
                redirect_url=started.redirect_url,
                target=pending.storage_target,
                key=STORAGE_KEY_PREFIX + pending.state,
                value=pending.binding,
                platform_origin=started.platform_origin,
                post_origin="*" if started.canvas else started.platform_origin,
            )
        )
        # this page runs in the LMS's frame (no session yet); the platform is in memory
        _framed_by(response, get_platform(db_session(), pending.platform_id))
    else:
        response = Response(status=302, headers={"Location": started.redirect_url})
    set_iframe_cookie(
        response,
        STATE_COOKIE_PREFIX + pending.state,
        pending.binding,
        max_age=settings.launch_state_seconds,
        path="/lti",
    )
    return response


@bp.route("/launch", methods=["POST"])
@csrf.exempt
def launch() -> ResponseReturnValue:
    if request.form.get("error"):
        return _platform_error()
    settings = current_settings()
    state = request.form.get("state", "")
    binding = (
        request.cookies.get(STATE_COOKIE_PREFIX + state)
        or request.form.get("lti_storage_binding")
        or None
    )
    now = utcnow()
    services = lti_services()
    validator = LaunchValidator(
        db_session(),
        services.state_store(db_session()),
        services.platform_keys,
        services.registry,
        now=now,
        leeway=settings.jwt_leeway_seconds,
        nonce_ttl=settings.launch_state_seconds + 3600,
        addresses=settings.addresses,
    )
    try:
        launch = validator.check(
            LaunchRequest(id_token=request.form.get("id_token", ""), state=state, binding=binding)
        )
    except StateNotBound as missing:
        db_session().rollback()
        return _finish_without_cookie(missing)
    except LaunchRefused as refused:
        if not validator.spent:  # a spent state and nonce are committed with the refusal
            db_session().rollback()
        platform = validator.platform
        record_launch(
            db_session(),
            outcome=REFUSED,
            now=now,
            body=validator.claims,
            platform_id=platform.id if platform else None,
            reason_code=refused.code,
            reason=refused.message,
        )
        db_session().commit()
        response = error_response(
            refused.status, refused.code, refused.message, title="Selfpath refused this launch"
        )
        _framed_by(response, platform or _login_platform(validator))  # shows why in the LMS
        return _state_cookie_spent(response, state) if validator.spent else response
    if validator.platform is not None:  # just checked: as fresh as a lookup
        services.frame_origins.remember(validator.platform)
    parties = provision(db_session(), launch, now)
    record_launch(
        db_session(),
        outcome=ACCEPTED,
        now=now,
        body=validator.claims,
        platform_id=launch.platform_id,
        user_id=parties.user_id,
    )
    db_session().commit()
    start_session(launch, parties, cookies=cookies_came_back(state))
    return _state_cookie_spent(make_response(landing(launch, parties)), state)


def _state_cookie_spent(response: Response, state: str) -> Response:
    """The login's state cookie, once its state is spent, expires now rather than after
    LAUNCH_STATE_SECONDS: a teacher launching again and again does not pile them up."""
    name = STATE_COOKIE_PREFIX + state
    if name in request.cookies:
        clear_iframe_cookie(response, name, path="/lti")
    return response


def _platform_error() -> Response:
    description = request.form.get("error_description") or request.form.get("error")
    return error_response(
        400,
        "platform_error",
        f"The LMS answered: {description}. Try the activity again; if it "
        "keeps failing, tell your LMS administrator.",
        title="The LMS could not complete the launch",
    )


def _finish_without_cookie(missing: StateNotBound) -> Response:
    pending = missing.pending
    login_params = {k: v for k, v in pending.login.items() if k in LOGIN_PARAMS}
    platform = get_platform(db_session(), pending.platform_id)
    origin = origin_of(platform.auth_login_url)
    response = Response(
        render_template(
            "lti/storage_launch.html",
            pending=pending,
            login_params=login_params,
            id_token=request.form.get("id_token", ""),
            state=pending.state,
            key=STORAGE_KEY_PREFIX + pending.state,
            login_url=tool_urls().login,
            platform_origin=origin,
            post_origin="*" if is_canvas(platform.issuer) else origin,
        )
    )
    _framed_by(response, platform)  # in the LMS's frame, before any session
    return response


def _login_platform(validator: LaunchValidator) -> Platform | None:
    platform_id = validator.login_platform_id
    return db_session().get(Platform, platform_id) if platform_id is not None else None


def _framed_by(response: Response, platform: Platform | KnownPlatform | None) -> None:
    """A page of a launch in progress may be framed by its platform, if enabled."""
    if platform is not None and platform.enabled:
        allow_framing_by(response, platform.issuer)


@bp.get("/jwks")
def jwks() -> Response:
    document = keys.jwks(db_session(), utcnow())
    db_session().commit()
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/setup")
def setup() -> str:
    return render_template("lti/setup.html", urls=tool_urls())


@bp.get("/config.json")
def config_json() -> Response:
    return jsonify(canvas_configuration(tool_urls()))


@bp.get("/register")
@rate_limited(
    REGISTRATION_RATE_LIMIT,
    message="Too many registrations started from "
    "this address. Wait a minute, then start the registration again from the LMS.",
)
def register() -> Response:
    """Dynamic registration, opened by the LMS in a window or frame."""
    invite = RegistrationInvite(
        configuration_url=request.args.get("openid_configuration", "").strip(),
        token=request.args.get("registration_token") or None,
    )
    response = (
        _register(invite)
        if invite.configuration_url
        else error_response(
            400,
            "missing_openid_configuration",
            "This address is for dynamic registration: "
            "paste it into your LMS's tool registration, which adds the openid_configuration "
            "of the LMS.",
            title="Selfpath could not register with this LMS",
        )
    )
    allow_framing_by(response, invite.configuration_url)
    return response


def _register(invite: RegistrationInvite) -> Response:
    settings = current_settings()
    try:
        platform = register_with_platform(
            db_session(),
            lti_services().http,
            invite,
            urls=tool_urls(),
            addresses=settings.addresses,
            timeout=settings.http_timeout_seconds,
            await_approval=settings.registrations_wait_for_approval,
        )
    except DomainError as failed:
        log.warning("registration refused", extra={"fields": {"reason_code": failed.code}})
        return error_response(
            failed.status,
            failed.code,
            failed.message,
            title="Selfpath could not register with this LMS",
        )
    db_session().commit()
    log.info(
        "registered",
        extra={
            "fields": {
                "platform_id": platform.id,
                "issuer": platform.issuer,
                "awaiting_approval": platform.awaiting_approval,
            }
        },
    )
    return Response(render_template("lti/registered.html", platform=platform))
