"""A platform's state decides its launches, with the reason an admin can act on."""

from __future__ import annotations

import pytest

from lti.errors import LaunchRefused
from lti.models import Platform
from lti.registrations import refuse_inactive_platform


def platform(**state: bool) -> Platform:
    return Platform(issuer="https://moodle.school.example", client_id="c-1", **state)


def test_an_enabled_platform_launches():
    refuse_inactive_platform(platform(enabled=True, awaiting_approval=False))


@pytest.mark.parametrize(
    ("awaiting", "code", "words"),
    [
        (True, "platform_awaiting_approval", "waits for the Selfpath admin's approval"),
        (False, "platform_disabled", "is disabled by the Selfpath admin"),
    ],
)
def test_waiting_for_approval_is_told_apart_from_disabled(awaiting, code, words):
    with pytest.raises(LaunchRefused) as refused:
        refuse_inactive_platform(platform(enabled=False, awaiting_approval=awaiting))
    assert refused.value.code == code and refused.value.status == 403
    assert words in refused.value.message
    assert "https://moodle.school.example (client c-1)" in refused.value.message
