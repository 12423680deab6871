"""What is built from a published version is kept by the application create_app makes:
every session of its requests and commands reads the same caches, and each application has
its own, so no test or worker empties a process-wide cache."""

from __future__ import annotations

from flask import Flask

from paths.version_cache import VersionCaches, caches_of
from service import create_app
from service.extensions import VERSION_CACHES, db
from service.lti.services import lti_services


def test_each_application_keeps_its_own_version_caches(settings):
    first, second = create_app(settings), create_app(settings)
    caches = []
    for app in (first, second):
        with app.app_context():
            caches.append(caches_of(db.session()))
            assert caches[-1] is app.extensions[VERSION_CACHES]
            lti_services().http.close()
            db.session.remove()
    assert all(isinstance(c, VersionCaches) for c in caches) and caches[0] is not caches[1]


def test_every_session_of_the_application_reads_its_caches(app: Flask):
    first = db.session()
    db.session.remove()
    second = db.session()
    assert second is not first
    assert caches_of(first) is caches_of(second) is app.extensions[VERSION_CACHES]
    with app.app_context():  # a command's or a worker's own context
        assert caches_of(db.session()) is app.extensions[VERSION_CACHES]
        db.session.remove()
