"""pylti1p3's tool configuration, read from the registrations in the database."""

from __future__ import annotations

from typing import Any

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy.orm import Session

from lti.models import Platform
from lti.registrations import find_deployment, find_platform


class PlatformRegistration(Registration):
    """A pylti1p3 registration that remembers the platform row it came from."""

    def __init__(self, platform: Platform) -> None:
        super().__init__()
        self.platform = platform
        self.set_issuer(platform.issuer).set_client_id(platform.client_id)
        self.set_auth_login_url(platform.auth_login_url)
        self.set_auth_token_url(platform.auth_token_url)
        self.set_key_set_url(platform.key_set_url)
        if platform.auth_audience:
            self.set_auth_audience(platform.auth_audience)


class DatabaseToolConf(ToolConfAbstract):  # type: ignore[type-arg]
    """Every issuer may have many client ids, and every client many deployments."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.issuers_relation_types = {}  # the base class shares one dict between instances

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Any:
        platform = find_platform(self._session, iss, None)
        return PlatformRegistration(platform) if platform else None

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any,
                                    **kwargs: Any) -> Any:
        platform = find_platform(self._session, iss, client_id)
        return PlatformRegistration(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> Any:
        platform = find_platform(self._session, iss, None)
        return self._deployment(platform, deployment_id)

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str,
                                  *args: Any, **kwargs: Any) -> Any:
        return self._deployment(find_platform(self._session, iss, client_id), deployment_id)

    def _deployment(self, platform: Platform | None, deployment_id: str) -> Any:
        if platform is None:
            return None
        row = find_deployment(self._session, platform, deployment_id)
        if row is None or not row.enabled:
            return None
        return LtiDeployment().set_deployment_id(row.deployment_id)
