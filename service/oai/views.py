"""`/oai`: the open library's OAI-PMH endpoint, public (no session, no CSRF: harvesters
post forms from anywhere) and limited per client address."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from paths.errors import DomainError
from service.clock import now
from service.extensions import csrf, db_session
from service.oai.arguments import read_arguments
from service.oai.protocol import OaiError, error_document, serialise
from service.oai.verbs import VERBS, Repository
from service.rate_limits import rate_limited
from service.settings import current_settings

bp = Blueprint("oai", __name__)


@bp.route("/oai", methods=["GET", "POST"])
@csrf.exempt
@rate_limited(
    lambda: current_settings().oai_rate_limit,
    message="Too many OAI-PMH requests from this address: slow down.",
)
def endpoint() -> Response:
    repo = _repository()
    arguments: dict[str, str] = {}
    try:
        arguments = read_arguments(_pairs())
        document = VERBS[arguments["verb"]](repo, arguments)
    except OaiError as error:
        document = error_document(repo.endpoint, repo.now, arguments, [error])
    return _xml(serialise(document))


@bp.errorhandler(DomainError)
def refused_before_reading(error: DomainError) -> Response:
    """A request every Selfpath page refuses (a NUL character) is a bad argument here."""
    db_session().rollback()
    repo = _repository()
    problem = OaiError(
        "badArgument",
        "The request holds a NUL character (%00), which no argument may contain."
        if error.code == "nul_character"
        else "The request cannot be read.",
    )
    return _xml(serialise(error_document(repo.endpoint, repo.now, {}, [problem])))


def _repository() -> Repository:
    settings = current_settings()
    return Repository(
        session=db_session(),
        base_url=settings.base_url,
        admin_email=settings.oai_contact,
        secret=str(current_app.config["SECRET_KEY"]),
        now=now(),
    )


def _pairs() -> list[tuple[str, list[str]]]:
    """Arguments from the query string, and from the form body of a POST."""
    pairs = list(request.args.lists())
    if request.method == "POST":
        pairs += list(request.form.lists())
    return pairs


def _xml(body: bytes) -> Response:
    return Response(body, status=200, mimetype="text/xml", headers={"Cache-Control": "no-store"})
