"""LTI Dynamic Registration 1.0: the LMS admin pastes one URL and Selfpath does the rest.

The LMS opens `/lti/register?openid_configuration=...&registration_token=...`; Selfpath
reads the LMS's configuration, posts its own registration, and stores the client id it
gets back as a new platform. Every registration is a new client: none is overwritten.
The URL needs no credentials (the LMS opens it), so with DYNAMIC_REGISTRATION=approve the
new platform is stored inactive until the Selfpath admin approves it in the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from lti.addresses import AddressRule
from lti.models import Platform
from lti.outbound import Outbound
from lti.platform_configuration import (
    PlatformConfiguration,
    check_platform_url,
    check_platform_urls,
    read_configuration,
)
from lti.registration_http import get_json, post_json
from lti.registrations import PlatformDetails, add_deployment, add_platform
from lti.tool_registration import RegisteredClient, read_registration_response, registration_request
from lti.urls import ToolUrls


@dataclass(frozen=True)
class RegistrationInvite:
    """What the LMS put in the registration URL."""

    configuration_url: str
    token: str | None


def register_with_platform(
    session: Session,
    http: Outbound,
    invite: RegistrationInvite,
    *,
    urls: ToolUrls,
    addresses: AddressRule,
    timeout: float,
    await_approval: bool = False,
) -> Platform:
    """Run the registration; raise RegistrationFailed (nothing stored) when it cannot."""
    check_platform_url(invite.configuration_url, addresses=addresses)
    document = get_json(http, invite.configuration_url, invite.token, timeout)
    config = read_configuration(document, invite.configuration_url)
    # Every address Selfpath will call for this LMS, checked before anything is posted.
    check_platform_urls(
        (
            config.registration_endpoint,
            config.authorization_endpoint,
            config.token_endpoint,
            config.jwks_uri,
        ),
        addresses=addresses,
    )
    answer = post_json(
        http, config.registration_endpoint, invite.token, registration_request(urls), timeout
    )
    client = read_registration_response(answer, config.registration_endpoint)
    return store_registration(session, config, client, await_approval=await_approval)


def store_registration(
    session: Session,
    config: PlatformConfiguration,
    client: RegisteredClient,
    *,
    await_approval: bool = False,
) -> Platform:
    """A new platform for the client; an LMS that named no deployment (Canvas) gets its
    deployments enabled as they first launch, since only its admins can create them.
    With `await_approval`, the platform launches nothing until the admin approves it."""
    platform = add_platform(
        session,
        PlatformDetails(
            name=platform_name(config),
            issuer=config.issuer,
            client_id=client.client_id,
            auth_login_url=config.authorization_endpoint,
            auth_token_url=config.token_endpoint,
            key_set_url=config.jwks_uri,
            auth_audience=config.authorization_server,
            accepts_new_deployments=client.deployment_id is None,
            granted_scopes=client.scope,
            awaiting_approval=await_approval,
        ),
    )
    if client.deployment_id is not None:
        add_deployment(session, platform.id, client.deployment_id)
    return platform


def platform_name(config: PlatformConfiguration) -> str:
    host = urlsplit(config.issuer).netloc
    family = (config.product_family or "").capitalize()
    return f"{family} at {host}" if family else host
