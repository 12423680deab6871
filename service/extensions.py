"""Extensions, defined once and unbound; `create_app` binds them with `init_app`."""

from typing import Any

from flask import current_app
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import Session

from lti.registry_signal import give_signal
from paths.db import Base
from paths.scores import give_outbox
from paths.version_cache import VersionCaches, give_caches
from service.form_tokens import FormTokenCheck
from service.lti.services import EXTENSION as LTI_SERVICES
from service.lti.services import LtiServices

VERSION_CACHES = "selfpath.version_caches"  # the app's VersionCaches, made by create_app


class AppSession(FlaskSession):
    """A session of the running application (a request, a command, a worker): it reads and
    fills the application's per-version caches (paths/version_cache.py), and with Redis,
    wakes the grade workers when it commits a new score version (lti/score_wakeups.py) and
    tells every instance's registry cache when it commits a registration change
    (lti/registry_signal.py)."""

    def __init__(self, db: SQLAlchemy, **kwargs: Any) -> None:
        super().__init__(db, **kwargs)
        caches: VersionCaches = current_app.extensions[VERSION_CACHES]
        give_caches(self, caches)
        services: LtiServices = current_app.extensions[LTI_SERVICES]
        if services.score_outbox is not None:
            give_outbox(self, services.score_outbox)
        if services.registry.signal is not None:
            give_signal(self, services.registry.signal)


# A request's objects stay loaded after it commits: the launch commits its spent state and
# nonce midway, and re-reading every row it holds afterwards would double its queries.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False, "class_": AppSession})
csrf = FormTokenCheck()


def db_session() -> Session:
    """The request's (or command's) session, typed as a plain SQLAlchemy session."""
    return db.session()
