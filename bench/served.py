"""Selfpath as `make bench` serves it: `wsgi:app` with its production settings, except that
its calls to LMSs may reach the benchmark's LMS, which listens on 127.0.0.1.

Production refuses loopback and private destinations for every call to an LMS
(lti/outbound.py); the benchmark's LMS serves its key set on loopback, so the served
worker's outbound client is the same one with that check off. The launch's service URLs
(AGS, NRPS) are still checked: the benchmark's claims name a public-looking LMS host.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Flask

from lti.addresses import ANYWHERE
from lti.outbound import Outbound
from lti.platform_keys import PlatformKeys
from service import create_app
from service.lti.services import EXTENSION, LtiServices
from service.settings import current_settings


def reaching_loopback(app: Flask) -> Flask:
    """`app` with its LMS calls allowed to reach loopback addresses."""
    with app.app_context():
        settings = current_settings()
    services: LtiServices = app.extensions[EXTENSION]
    http = Outbound(addresses=ANYWHERE)
    app.extensions[EXTENSION] = replace(
        services,
        http=http,
        platform_keys=PlatformKeys(
            http,
            timeout=settings.http_timeout_seconds,
            max_age=settings.platform_jwks_cache_seconds,
        ),
    )
    return app


def served_app() -> Flask:
    """The application gunicorn serves (`bench.served:served_app()`), built from the
    environment as `wsgi:app` is."""
    return reaching_loopback(create_app())
