"""Why a login or launch was refused, in words an LMS administrator can act on."""

from paths.errors import DomainError


class LaunchRefused(DomainError):
    """A login or launch that must not go on. `code` classifies it for the launch log."""

    status = 400
    code = "launch_refused"

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(message, code=code)
        self.status = status
