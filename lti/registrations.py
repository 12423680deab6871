"""Platform registrations and deployments: the tenants Selfpath serves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lti.addresses import AddressRule
from lti.errors import LaunchRefused
from lti.models import Deployment, Platform
from lti.platform_configuration import check_platform_urls
from lti.registry import KnownPlatform
from paths.errors import Conflict, DomainError, NotFound
from paths.people import Tenant

CANVAS_ISSUERS = {
    "https://canvas.instructure.com": "https://*.instructure.com",
    "https://canvas.beta.instructure.com": "https://*.instructure.com",
    "https://canvas.test.instructure.com": "https://*.instructure.com",
}


@dataclass(frozen=True)
class PlatformDetails:
    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    auth_audience: str | None = None
    accepts_new_deployments: bool = False
    granted_scopes: str | None = None
    awaiting_approval: bool = False  # stored disabled until the admin approves it


def _check_url(label: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise DomainError(f"{label} must be an http(s) URL, got {value!r}")


def add_platform(session: Session, details: PlatformDetails) -> Platform:
    """Register a platform (issuer + client id). Refuses a duplicate registration."""
    for label, url in (
        ("issuer", details.issuer),
        ("auth login URL", details.auth_login_url),
        ("auth token URL", details.auth_token_url),
        ("key set URL", details.key_set_url),
    ):
        _check_url(label, url)
    if not details.client_id.strip():
        raise DomainError("client id must not be empty")
    if find_platform(session, details.issuer, details.client_id):
        raise Conflict(f"{details.issuer} (client {details.client_id}) is already registered")
    platform = Platform(
        name=details.name or details.issuer,
        issuer=details.issuer,
        client_id=details.client_id,
        auth_login_url=details.auth_login_url,
        auth_token_url=details.auth_token_url,
        key_set_url=details.key_set_url,
        auth_audience=details.auth_audience,
        enabled=not details.awaiting_approval,
        awaiting_approval=details.awaiting_approval,
        accepts_new_deployments=details.accepts_new_deployments,
        granted_scopes=details.granted_scopes,
    )
    session.add(platform)
    session.flush()
    return platform


def find_platform(session: Session, issuer: str, client_id: str | None) -> Platform | None:
    """The platform for (issuer, client_id); with no client id, the issuer's only one."""
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id:
        return session.scalars(query.where(Platform.client_id == client_id)).first()
    platforms = session.scalars(query.limit(2)).all()
    return platforms[0] if len(platforms) == 1 else None


def get_platform(session: Session, platform_id: int) -> Platform:
    platform = session.get(Platform, platform_id)
    if platform is None:
        raise NotFound(f"there is no platform with id {platform_id}")
    return platform


def list_platforms(session: Session) -> list[Platform]:
    """Registrations waiting for approval first, then in the order they came."""
    return list(
        session.scalars(select(Platform).order_by(Platform.awaiting_approval.desc(), Platform.id))
    )


def set_platform_enabled(session: Session, platform_id: int, enabled: bool) -> Platform:
    """Enable or disable; enabling a registration that waits for approval approves it."""
    platform = get_platform(session, platform_id)
    platform.enabled = enabled
    if enabled:
        platform.awaiting_approval = False
    return platform


def approve_platform(session: Session, platform_id: int) -> Platform:
    """A dynamic registration the admin accepts: its launches work from now on."""
    platform = _awaiting(session, platform_id)
    platform.enabled, platform.awaiting_approval = True, False
    return platform


def refuse_platform(session: Session, platform_id: int) -> Platform:
    """A dynamic registration the admin does not want: removed, with its deployments."""
    _awaiting(session, platform_id)
    return delete_platform(session, platform_id)


def _awaiting(session: Session, platform_id: int) -> Platform:
    platform = get_platform(session, platform_id)
    if not platform.awaiting_approval:
        raise Conflict(f"{platform.name} (client {platform.client_id}) is not waiting for approval")
    return platform


def refuse_inactive_platform(platform: Platform | KnownPlatform) -> None:
    """Raise LaunchRefused, in the admin's words, when the platform may not launch."""
    if platform.enabled:
        return
    who = f"the registration of {platform.issuer} (client {platform.client_id})"
    if platform.awaiting_approval:
        raise LaunchRefused(
            "platform_awaiting_approval",
            f"{who} waits for the Selfpath "
            "admin's approval: approve it under Platforms in the Selfpath "
            "admin console",
            status=403,
        )
    raise LaunchRefused("platform_disabled", f"{who} is disabled by the Selfpath admin", status=403)


def set_accepts_new_deployments(session: Session, platform_id: int, accepts: bool) -> Platform:
    platform = get_platform(session, platform_id)
    platform.accepts_new_deployments = accepts
    return platform


def delete_platform(session: Session, platform_id: int) -> Platform:
    """Remove a registration with its deployments (and their courses and progress)."""
    platform = get_platform(session, platform_id)
    tenant_ids = [deployment.tenant_id for deployment in platform.deployments]
    session.delete(platform)
    _delete_tenants(session, tenant_ids)
    return platform


def register_by_hand(
    session: Session,
    details: PlatformDetails,
    deployment_ids: Iterable[str],
    *,
    addresses: AddressRule,
) -> Platform:
    """A platform an admin registers from the values the LMS showed them (the command
    line or the console), with its deployments; in production only https:// LMS addresses
    that `addresses` allows. Raises DomainError and adds nothing when a value is wrong."""
    if addresses.public_only:
        check_platform_urls(
            (details.auth_login_url, details.auth_token_url, details.key_set_url),
            addresses=addresses,
        )
    platform = add_platform(session, details)
    for deployment_id in dict.fromkeys(d.strip() for d in deployment_ids if d.strip()):
        add_deployment(session, platform.id, deployment_id)
    return platform


def add_deployment(session: Session, platform_id: int, deployment_id: str) -> Deployment:
    platform = get_platform(session, platform_id)
    if not deployment_id.strip():
        raise DomainError("deployment id must not be empty")
    if find_deployment(session, platform, deployment_id):
        raise Conflict(
            f"deployment {deployment_id!r} is already registered for "
            f"{platform.issuer} (client {platform.client_id})"
        )
    return _new_deployment(session, platform, deployment_id, enabled=True)


def record_new_deployment(
    session: Session, platform: Platform | KnownPlatform, deployment_id: str
) -> Deployment:
    """A deployment first seen in a launch: kept for an admin to enable, or enabled at
    once when the platform accepts new deployments."""
    return _new_deployment(
        session, platform, deployment_id[:255], enabled=platform.accepts_new_deployments
    )


def _new_deployment(
    session: Session, platform: Platform | KnownPlatform, deployment_id: str, *, enabled: bool
) -> Deployment:
    """A deployment with the tenant (school) it serves, created together."""
    tenant = Tenant(name=f"{platform.name} — {deployment_id}"[:255])
    session.add(tenant)
    session.flush()
    deployment = Deployment(
        platform_id=platform.id, deployment_id=deployment_id, tenant_id=tenant.id, enabled=enabled
    )
    session.add(deployment)
    session.flush()
    return deployment


def get_deployment(session: Session, row_id: int) -> Deployment:
    deployment = session.get(Deployment, row_id)
    if deployment is None:
        raise NotFound(f"there is no deployment with id {row_id}")
    return deployment


def set_deployment_enabled(session: Session, row_id: int, enabled: bool) -> Deployment:
    deployment = get_deployment(session, row_id)
    deployment.enabled = enabled
    return deployment


def delete_deployment(session: Session, row_id: int) -> Deployment:
    """Remove a deployment with its tenant's courses and progress."""
    deployment = get_deployment(session, row_id)
    session.delete(deployment)
    _delete_tenants(session, [deployment.tenant_id])
    return deployment


def _delete_tenants(session: Session, tenant_ids: list[int]) -> None:
    """The tenants of deleted deployments go too; the database cascades to their courses,
    activities and paths."""
    session.flush()
    if tenant_ids:
        session.execute(delete(Tenant).where(Tenant.id.in_(tenant_ids)))


def find_deployment(session: Session, platform: Platform, deployment_id: str) -> Deployment | None:
    return session.scalars(
        select(Deployment).where(
            Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
        )
    ).first()


def frame_origin(issuer: str) -> str:
    """The origin the platform's pages frame Selfpath from: its issuer's (Canvas: the
    school's own *.instructure.com host)."""
    parts = urlsplit(issuer)
    return CANVAS_ISSUERS.get(issuer, f"{parts.scheme}://{parts.netloc}")


def is_canvas(issuer: str) -> bool:
    """Canvas's platform storage wants postMessage target origin '*'."""
    return issuer in CANVAS_ISSUERS
