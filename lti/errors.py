"""Why a login or launch was refused, in words an LMS administrator can act on."""

from paths.errors import DomainError


class LaunchRefused(DomainError):
    """A login or launch that must not go on. `code` classifies it for the launch log."""

    status = 400
    code = "launch_refused"

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(message, code=code)
        self.status = status


class RegistrationFailed(DomainError):
    """A dynamic registration that could not finish; nothing was stored. `status` is 400
    when the request or the LMS's answer is unacceptable, 502 when the LMS failed."""

    status = 502
    code = "registration_failed"

    def __init__(self, code: str, message: str, *, status: int = 502) -> None:
        super().__init__(message, code=code)
        self.status = status
