"""The admin console: registrations, deployments, recent launches and the tool's keys."""

from service.admin import (
    grade_sync,
    launches,
    library,
    new_platform,
    platforms,
    sign_in,
    tool_keys,
)
from service.admin.blueprint import bp

__all__ = [
    "bp",
    "grade_sync",
    "launches",
    "library",
    "new_platform",
    "platforms",
    "sign_in",
    "tool_keys",
]
