"""The web edge of Selfpath: the application factory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Settings
from config.logging import configure_logging
from config.secrets import read_or_create_secret
from paths.study.skills import FittedModels
from paths.version_cache import PerVersion, VersionCaches
from service import (
    assets,
    errors,
    fixed_urls,
    form_tokens,
    i18n,
    input_limits,
    postgres_connections,
    request_log,
    security,
    sqlite_pragmas,
    web_session,
)
from service.admin import bp as admin_bp
from service.application import SelfpathFlask
from service.cartridge.views import bp as cartridge_bp
from service.cli import register as register_service_cli
from service.competencies_cli import register as register_competencies_cli
from service.demo.views import bp as demo_bp
from service.extensions import VERSION_CACHES, csrf, db
from service.health import bp as health_bp
from service.learner.estimates import FITTED_MODELS
from service.learner.my_path import SHOWN_STEPS, SHOWN_STEPS_SIZE
from service.learner.views import bp as learner_bp
from service.learning_cli import register as register_learning_cli
from service.library.public import bp as library_bp
from service.library.teaching import bp as library_teaching_bp
from service.library_cli import register as register_library_cli
from service.lti.cli import register as register_lti_cli
from service.lti.services import EXTENSION as LTI_SERVICES
from service.lti.services import LtiServices
from service.lti.views import bp as lti_bp
from service.oai.views import bp as oai_bp
from service.pages import bp as pages_bp
from service.rate_limits import RateLimits, key_prefix, storage_uri
from service.teaching.alignments import bp as alignments_bp
from service.teaching.authoring import bp as authoring_bp
from service.teaching.competencies import bp as competencies_bp
from service.teaching.dashboard import bp as class_dashboard_bp
from service.teaching.deep_link import bp as deep_link_bp
from service.teaching.learners import bp as class_learners_bp
from service.teaching.open_resources import bp as open_resources_bp
from service.teaching.views import bp as teaching_bp


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask application; wires extensions, blueprints, errors and CLI only."""
    settings = settings or Settings.from_env()
    settings.check()
    app = SelfpathFlask(
        __name__, instance_path=settings.instance_path, instance_relative_config=False
    )
    app.config.update(_flask_config(settings))
    app.extensions["selfpath.settings"] = settings
    app.extensions[LTI_SERVICES] = LtiServices.build(settings)
    app.extensions[FITTED_MODELS] = FittedModels()  # fitted mastery models, per process
    app.extensions[VERSION_CACHES] = VersionCaches()  # what published versions are built into
    app.extensions[SHOWN_STEPS] = PerVersion(size=SHOWN_STEPS_SIZE)  # My path's step items
    configure_logging(settings.log_level)
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.proxy_hops,
            x_proto=settings.proxy_hops,
            x_host=settings.proxy_hops,
            x_port=settings.proxy_hops,
        )
    _init_extensions(app)
    input_limits.install(app)  # before the blueprints, whose routes use its converter
    _register_blueprints(app, settings)
    _register_cli(app)
    return app


def _flask_config(settings: Settings) -> dict[str, object]:
    secret = settings.secret_key or read_or_create_secret(
        Path(settings.instance_path) / "secret_key"
    )
    https = settings.is_https
    return {
        "SECRET_KEY": secret,
        "TESTING": settings.testing,
        "SQLALCHEMY_DATABASE_URI": settings.database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(settings),
        "SESSION_COOKIE_NAME": "selfpath_session",
        "SESSION_COOKIE_HTTPONLY": True,
        # The tool lives in an LMS iframe: over HTTPS its cookies must be cross-site.
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_SAMESITE": "None" if https else "Lax",
        "SESSION_COOKIE_PARTITIONED": https,
        # Signed cookies older than this are refused, and the cookie expires then too.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=settings.session_hours),
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": False,  # LMS frames post cross-site; the token is the check
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    }


def engine_options(settings: Settings) -> dict[str, object]:
    """Each worker process keeps its own pool: at most DATABASE_POOL_SIZE +
    DATABASE_MAX_OVERFLOW connections per process (docs/deploy.md does the sum)."""
    if settings.database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {  # connections are pinged when idle (service/postgres_connections.py)
        "connect_args": postgres_connections.connect_args(),
        "pool_size": settings.database_pool_size,
        "max_overflow": settings.database_max_overflow,
        "pool_timeout": settings.database_pool_timeout_seconds,
    }


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    web_session.install(app)
    csrf.init_app(app)
    form_tokens.install(app)
    configured: Settings = app.extensions["selfpath.settings"]
    RateLimits.install(app, storage_uri(configured.redis_url), key_prefix(configured.base_url))
    i18n.install(app)
    fixed_urls.install(app)
    assets.install(app)
    sqlite_pragmas.install(app)
    postgres_connections.install(app)


def _register_blueprints(app: Flask, settings: Settings) -> None:
    request_log.install(app)
    security.install(app)
    errors.install(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(lti_bp)
    app.register_blueprint(learner_bp)
    app.register_blueprint(teaching_bp)
    app.register_blueprint(deep_link_bp)
    app.register_blueprint(class_dashboard_bp)
    app.register_blueprint(class_learners_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(cartridge_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(open_resources_bp)
    app.register_blueprint(alignments_bp)
    app.register_blueprint(competencies_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(library_teaching_bp)
    app.register_blueprint(oai_bp)
    if settings.demo_lms:
        app.register_blueprint(demo_bp)


def _register_cli(app: Flask) -> None:
    register_lti_cli(app)
    register_service_cli(app)
    register_learning_cli(app)
    register_library_cli(app)
    register_competencies_cli(app)
