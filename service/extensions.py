"""Extensions, defined once and unbound; `create_app` binds them with `init_app`."""

from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

from paths.db import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()


def db_session() -> Session:
    """The request's (or command's) session, typed as a plain SQLAlchemy session."""
    return db.session()
