"""Domain errors. The web edge turns each into a status code and a clear message."""


class DomainError(Exception):
    """A request the domain refuses; `message` is safe to show to the person."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, params: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.params = params or {}
        if code:
            self.code = code


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"
