"""Platform registrations, deployments, tool keys, launch state, the launch log, the
gradebook endpoints (AGS) that launches hand us and the delivery of scores to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paths.db import Base, UtcDateTime, utcnow


class Platform(Base):
    """One registration of Selfpath in an LMS: an issuer and the client id it gave us."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(2048))
    auth_token_url: Mapped[str] = mapped_column(String(2048))
    auth_audience: Mapped[str | None] = mapped_column(String(2048))
    key_set_url: Mapped[str] = mapped_column(String(2048))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # A dynamic registration waiting for the Selfpath admin's approval (DYNAMIC_REGISTRATION
    # =approve): disabled until approved, and told apart from one an admin disabled.
    awaiting_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Deployments first seen in a launch are enabled at once (a dynamic registration that
    # named none, as Canvas's) instead of waiting for an admin.
    accepts_new_deployments: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # What the LMS granted at dynamic registration (space-separated), which may be less
    # or more than Selfpath asked for; None when registered by hand.
    granted_scopes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="Deployment.id"
    )


class Deployment(Base):
    """A deployment of the tool on a platform, for one tenant (school) that owns courses
    and data. The tenant is the domain's; deleting the deployment deletes its tenant."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), unique=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class RegistryVersion(Base):
    """One counter, moved on in the same transaction as every change to a platform or a
    deployment: each process's cache of registrations (lti/registry.py) compares it with
    the one it read them at, so a change takes effect at once on every instance."""

    __tablename__ = "lti_registry_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class ToolKey(Base):
    """An RSA key pair of the tool. The newest unretired key signs; retired keys stay
    published until `published_until` so tokens signed with them still verify."""

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    published_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class LaunchState(Base):
    """An OIDC login in flight: its state, nonce and the secret that binds it to a browser."""

    __tablename__ = "lti_launch_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class SeenNonce(Base):
    """A nonce that a launch has used; it can never be used again."""

    __tablename__ = "lti_seen_nonces"

    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class LaunchRecord(Base):
    """One launch attempt, accepted or refused, with the reason in an admin's words.
    No claims and no personal data are kept here."""

    __tablename__ = "lti_launch_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="SET NULL")
    )
    issuer: Mapped[str | None] = mapped_column(String(255))
    client_id: Mapped[str | None] = mapped_column(String(255))
    deployment_id: Mapped[str | None] = mapped_column(String(255))
    message_type: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL")
    )


class AgsEndpoint(Base):
    """Where an activity's scores go in the LMS gradebook: the AGS endpoint claim of its
    latest launch (line item, line items container, scopes), or the line item Selfpath
    created for it."""

    __tablename__ = "lti_ags_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), unique=True
    )
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    lineitem_url: Mapped[str | None] = mapped_column(String(2048))
    lineitems_url: Mapped[str | None] = mapped_column(String(2048))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    line_item_created: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CourseRoster(Base):
    """The course's members as the LMS listed them (NRPS), kept until a refresh."""

    __tablename__ = "lti_course_rosters"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    memberships_url: Mapped[str] = mapped_column(String(2048))
    members: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class ScoreDelivery(Base):
    """Where sending one score to the LMS gradebook stands: the version the LMS
    acknowledged, the worker holding it, and when and why a send failed. A score without
    a row has not been sent or tried yet (its acknowledged version is 0)."""

    __tablename__ = "lti_score_deliveries"

    score_id: Mapped[int] = mapped_column(
        ForeignKey("scores.id", ondelete="CASCADE"), primary_key=True
    )
    acknowledged_version: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # held until a resync
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
