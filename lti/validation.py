"""Validation of an id_token POST: every check of the LTI 1.3 security framework.

Composed of the pieces it needs rather than built on pylti1p3's MessageLaunch: the
token is read and verified by `lti/id_token.py`, the registration is found in the
database, and pylti1p3's message validators check each message type's claims. Our own
checks close the gaps pylti1p3 leaves: state bound to the browser and spent once, nonces
that cannot be replayed, `aud` arrays with `azp`, clock leeway, RS256 only with key
objects parsed once, and refusal reasons an LMS administrator can act on.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from pylti1p3.exception import LtiException
from pylti1p3.message_validators import get_validators
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti import claims
from lti.addresses import ANYWHERE, AddressRule
from lti.errors import LaunchRefused
from lti.id_token import NulCharacter, read_unverified, verify_rs256
from lti.launch import Launch
from lti.models import Deployment
from lti.platform_keys import PlatformKeys
from lti.registrations import record_new_deployment, refuse_inactive_platform
from lti.registry import KnownDeployment, KnownPlatform, Registry
from lti.service_urls import service_url_problem
from lti.state_store import LaunchStateStore, PendingLogin, ReadBeside, TakenLogin

MAX_STATE = 64  # the launch-state column's width
# An id_token up to this long is read before its state is taken (an LMS's is a few kB):
# a request with a state that is not there costs no more to refuse than that
EARLY_READ = 32 * 1024


class StateNotBound(Exception):
    """The browser did not send the state cookie: the launch may be finished through
    platform storage or a new window, with the pending login kept for that."""

    def __init__(self, pending: PendingLogin) -> None:
        super().__init__("state cookie missing")
        self.pending = pending


@dataclass(frozen=True)
class LaunchRequest:
    """What the id_token POST carried, and the browser binding it presented."""

    id_token: str
    state: str
    binding: str | None  # from the state cookie, or from platform storage


class LaunchValidator:
    """One launch's checks, in order; what was learnt on the way (the platform, the
    claims read so far) stays readable when a check refuses it, for the launch log."""

    def __init__(
        self,
        session: Session,
        store: LaunchStateStore,
        keys: PlatformKeys,
        registry: Registry,
        *,
        now: datetime,
        leeway: int,
        nonce_ttl: int,
        addresses: AddressRule = ANYWHERE,
    ) -> None:
        self._session = session
        self._store = store
        self._keys = keys
        self._registry = registry
        self._now = now
        self._leeway = leeway
        self._nonce_ttl = nonce_ttl
        self._addresses = addresses  # production: service URLs public (or on named networks)
        self._pending: PendingLogin | None = None
        self._token_read: ReadBeside | None = None  # the registry token, read with the state
        self._spent = False
        self._client_id: str | None = None
        self._platform: KnownPlatform | None = None
        self._deployment: KnownDeployment | Deployment | None = None
        self._id_token = ""
        self._read: tuple[Any, Any] | None = None  # the token read, before any check
        self._jwt: dict[str, Any] = {}  # the token's header and body, as far as read

    def check(self, launch: LaunchRequest) -> Launch:
        """Validate the POST; return the launch or raise LaunchRefused / StateNotBound.

        The login's state is taken from the store at once; a refusal before the token's
        nonce is found to be the login's gives it back (with the nonce the token named,
        when the store spent it with the state), so only a launch signed for this very
        login spends it."""
        self._id_token = launch.id_token
        taken = self._take_state(launch, self._named_nonce(launch))
        try:
            self._check_binding(launch)
            self._parse()
            self._check_registration()
            self._check_signature()
            self._check_nonce()
        except (LaunchRefused, StateNotBound):
            self._store.put_back(taken, self._now)
            raise
        self._spend_nonce(taken)
        self._check_deployment()
        self._check_message()
        self._check_service_urls()
        assert self._platform is not None and self._client_id is not None
        return Launch.from_claims(self._jwt["body"], self._platform.id, self._client_id)

    @property
    def spent(self) -> bool:
        """Whether the login's state and nonce are spent: a refusal from here on keeps
        them spent (the session's writes are committed with the refusal's record)."""
        return self._spent

    @property
    def platform(self) -> KnownPlatform | None:
        return self._platform

    @property
    def login_platform_id(self) -> int | None:
        """The platform that started the login this launch answers, once its state is
        found (before the token is read)."""
        return self._pending.platform_id if self._pending else None

    @property
    def claims(self) -> Mapping[str, Any]:
        """The token's claims as far as they were read: empty until they are an object."""
        body = self._jwt.get("body")
        return body if isinstance(body, dict) else {}

    # -- state ---------------------------------------------------------------------------
    def _named_nonce(self, launch: LaunchRequest) -> str | None:
        """The nonce the token names, read before anything is checked, so that a store
        that can spends it in the same round trip as it takes the state (and gives it back
        with the state when the launch is refused before that nonce is found to be the
        login's). None when the state could not be Selfpath's, the token is longer than
        EARLY_READ (read in its turn, and its nonce spent on its own) or cannot be read
        (`_parse` says why, in its turn), or it names no nonce as long as Selfpath's."""
        if not 0 < len(launch.state) <= MAX_STATE or len(self._id_token) > EARLY_READ:
            return None
        try:
            self._read = read_unverified(self._id_token)
        except (NulCharacter, jwt.DecodeError):
            return None
        body = self._read[1]
        nonce = body.get("nonce") if isinstance(body, dict) else None
        return nonce if isinstance(nonce, str) and 0 < len(nonce) <= MAX_STATE else None

    def _take_state(self, launch: LaunchRequest, nonce: str | None) -> TakenLogin:
        if not launch.state or not launch.id_token:
            raise LaunchRefused(
                "missing_state",
                "The launch did not carry a state and an "
                "id_token. Start the activity again from the LMS.",
            )
        # states Selfpath issues are 43 characters: a longer one is not looked up
        taken = (
            self._store.take(launch.state, self._now, nonce=nonce, nonce_ttl=self._nonce_ttl)
            if len(launch.state) <= MAX_STATE
            else None
        )
        if taken is None:
            raise LaunchRefused(
                "unknown_state",
                "This launch expired or was already used "
                "(unknown state). Start the activity again from the LMS.",
            )
        self._pending, self._token_read = taken.pending, taken.beside
        return taken

    def _check_binding(self, launch: LaunchRequest) -> None:
        assert self._pending is not None
        if not launch.binding:
            raise StateNotBound(self._pending)
        if not hmac.compare_digest(launch.binding, self._pending.binding):
            raise LaunchRefused(
                "state_mismatch",
                "The launch's state does not belong to "
                "this browser. Start the activity again from the LMS.",
            )

    def _parse(self) -> None:
        try:
            read = self._read or read_unverified(self._id_token)
            self._jwt["header"], self._jwt["body"] = read
        except NulCharacter as exc:  # the body stays empty: not for the log
            raise LaunchRefused(
                "malformed_token",
                f"The id_token is not a well-formed JWT: its {exc.part} holds a NUL character.",
            ) from exc
        except jwt.DecodeError as exc:
            raise LaunchRefused(
                "malformed_token", "The id_token is not a well-formed JWT."
            ) from exc
        for part in ("header", "body"):
            name = "payload" if part == "body" else part
            if not isinstance(self._jwt.get(part), dict):
                raise LaunchRefused(
                    "malformed_token",
                    f"The id_token is not a well-formed JWT: its {name} is not a JSON object.",
                )

    # -- registration: iss, aud, azp -----------------------------------------------------
    def _get_client_id(self) -> str:
        if self._client_id is None:
            self._client_id = self._audience_client_id()
        return self._client_id

    def _audience_client_id(self) -> str:
        body = self._jwt["body"]
        aud, azp = body.get("aud"), body.get("azp")
        if isinstance(aud, str):
            if azp is not None and azp != aud:
                raise LaunchRefused(
                    "azp_mismatch",
                    f"the token's azp {azp!r} is not its audience {aud!r}",
                    status=401,
                )
            return aud
        if isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud):
            if len(aud) == 1 and azp in (None, aud[0]):
                return str(aud[0])
            if isinstance(azp, str) and azp in aud:
                return azp
            raise LaunchRefused(
                "azp_missing",
                "the token has several audiences and no azp naming Selfpath's client id among them",
                status=401,
            )
        raise LaunchRefused("missing_aud", "the token has no audience (aud)", status=401)

    def _check_registration(self) -> None:
        iss = self._jwt["body"].get("iss")
        if not isinstance(iss, str) or not iss:
            raise LaunchRefused("missing_iss", "the token has no issuer (iss)", status=401)
        client_id = self._get_client_id()
        assert self._pending is not None
        found = self._registry.platform(self._session, iss, client_id, token_read=self._token_read)
        if found is None:
            raise LaunchRefused(
                "unknown_platform",
                f"no platform is registered with issuer "
                f"{iss} and client id {client_id}: register it in Selfpath, "
                "or check the client id the LMS shows",
                status=401,
            )
        platform = found
        deployment_id = self._jwt["body"].get(claims.DEPLOYMENT_ID)
        self._deployment = (
            platform.deployments.get(deployment_id) if isinstance(deployment_id, str) else None
        )
        if platform.id != self._pending.platform_id:
            raise LaunchRefused(
                "platform_mismatch",
                f"the token comes from {iss} (client "
                f"{client_id}), not from the platform that started the login",
                status=401,
            )
        refuse_inactive_platform(platform)
        self._platform = platform

    # -- signature, alg, exp/iat ---------------------------------------------------------
    def _check_signature(self) -> None:
        header = self._jwt["header"]
        if header.get("alg") != "RS256":
            raise LaunchRefused(
                "bad_alg",
                f"the token is signed with {header.get('alg')!r}; only RS256 is accepted",
                status=401,
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise LaunchRefused(
                "missing_kid", "the token's header names no key id (kid)", status=401
            )
        assert self._platform is not None
        key = self._keys.key_for(self._platform.key_set_url, kid)
        try:
            # Not jwt.decode: see lti/id_token.py (same checks, a fifth of the cost).
            body = verify_rs256(self._id_token, key, now=self._now.timestamp(), leeway=self._leeway)
        except jwt.ExpiredSignatureError as exc:
            raise LaunchRefused("expired", self._expired_message(), status=401) from exc
        except jwt.ImmatureSignatureError as exc:
            raise LaunchRefused("issued_in_future", self._future_message(), status=401) from exc
        except jwt.InvalidSignatureError as exc:
            raise LaunchRefused(
                "bad_signature",
                "the token's signature does not match the "
                f"platform's key {kid!r} at {self._platform.key_set_url}: is "
                "the key set URL registered for this platform right?",
                status=401,
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRefused(
                "invalid_token", f"the token is not valid: {exc}", status=401
            ) from exc
        self._jwt["body"] = body  # verified claims only

    def _future_message(self) -> str:
        iat = self._jwt["body"].get("iat")
        if isinstance(iat, (int, float)):
            minutes = max(1, round((iat - self._now.timestamp()) / 60))
            return (
                f"the token was issued {minutes} minute{'s' if minutes != 1 else ''} in "
                "the future: is the LMS clock right?"
            )
        return "the token was issued in the future: is the LMS clock right?"

    def _expired_message(self) -> str:
        exp = self._jwt["body"].get("exp")
        if isinstance(exp, (int, float)):
            minutes = max(1, round((self._now.timestamp() - exp) / 60))
            return (
                f"the token expired {minutes} minute{'s' if minutes != 1 else ''} ago: "
                "is the LMS clock right?"
            )
        return "the token has expired"

    # -- nonce: equal to the login's, spent once -----------------------------------------
    def _check_nonce(self) -> None:
        assert self._pending is not None
        nonce = self._jwt["body"].get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise LaunchRefused("missing_nonce", "the token has no nonce", status=401)
        if not hmac.compare_digest(nonce, self._pending.nonce):
            raise LaunchRefused(
                "nonce_mismatch",
                "the token's nonce is not the one issued for this login",
                status=401,
            )

    def _spend_nonce(self, taken: TakenLogin) -> None:
        """Spent with the state when the store could (the token's nonce, now known to be
        the login's), else now."""
        assert self._pending is not None
        self._spent = True
        if taken.nonce == self._pending.nonce and taken.nonce_unused is not None:
            unused = taken.nonce_unused
        else:
            unused = self._store.use_nonce(self._pending.nonce, self._nonce_ttl, self._now)
        if not unused:
            raise LaunchRefused(
                "nonce_replayed", "the token's nonce was already used (replayed launch)", status=401
            )

    # -- deployment and message ----------------------------------------------------------
    def _check_deployment(self) -> None:
        assert self._platform is not None
        deployment_id = self._jwt["body"].get(claims.DEPLOYMENT_ID)
        if not isinstance(deployment_id, str) or not deployment_id:
            raise LaunchRefused(
                "missing_deployment",
                "the token has no deployment_id: the "
                "LMS did not say which installation of Selfpath launched",
            )
        # read with the platform, for this same claim: the signature check verified the
        # very payload it was read from
        deployment = self._deployment
        where = f"{self._platform.issuer} (client {self._platform.client_id})"
        if deployment is None:
            deployment = self._record_new_deployment(deployment_id)
            if not deployment.enabled:
                raise LaunchRefused(
                    "unknown_deployment",
                    f"deployment {deployment_id!r} is "
                    f"not registered for {where}; it is now listed, "
                    "disabled, in Selfpath's admin console, where an admin "
                    "can enable it",
                    status=403,
                )
        elif not deployment.enabled:
            raise LaunchRefused(
                "deployment_disabled",
                f"deployment {deployment_id!r} of "
                f"{where} is disabled: an admin can enable it in Selfpath's "
                "admin console",
                status=403,
            )

    def _record_new_deployment(self, deployment_id: str) -> Deployment | KnownDeployment:
        """Kept (committed) even when the launch is refused, so an admin can enable it."""
        assert self._platform is not None
        platform = self._platform
        self._session.commit()  # the state and nonce stay spent whatever happens next
        try:
            deployment = record_new_deployment(self._session, platform, deployment_id)
            self._session.commit()
        except IntegrityError:  # a simultaneous launch recorded it first
            self._session.rollback()
            found = self._registry.platform(self._session, platform.issuer, platform.client_id)
            assert found is not None
            self._platform = found
            return found.deployments[deployment_id[:255]]
        return deployment

    def _check_message(self) -> None:
        body = self._jwt["body"]
        version = body.get(claims.VERSION)
        if version != "1.3.0":
            raise LaunchRefused(
                "bad_version", f"LTI version {version!r} is not supported; Selfpath needs 1.3.0"
            )
        message_type = body.get(claims.MESSAGE_TYPE)
        if message_type not in claims.SUPPORTED_MESSAGES:
            raise LaunchRefused(
                "bad_message_type", f"message type {message_type!r} is not supported by Selfpath"
            )
        if not isinstance(body.get(claims.ROLES), list):
            raise LaunchRefused("missing_roles", "the token has no roles claim")
        if message_type == claims.DEEP_LINKING_REQUEST:
            settings = body.get(claims.DEEP_LINKING_SETTINGS)
            if not isinstance(settings, dict) or not isinstance(
                settings.get("deep_link_return_url"), str
            ):
                raise LaunchRefused(
                    "missing_return_url", "the deep linking request has no deep_link_return_url"
                )
        self._run_pylti1p3_validators(body)

    def _check_service_urls(self) -> None:
        problem = service_url_problem(self._jwt["body"], self._addresses)
        if problem:
            raise LaunchRefused("internal_service_url", problem)

    def _run_pylti1p3_validators(self, body: Mapping[str, Any]) -> None:
        for validator in get_validators():
            if not validator.can_validate(body):
                continue
            try:
                validator.validate(body)
            except LtiException as exc:
                raise LaunchRefused(
                    "invalid_message", f"the launch message is incomplete: {exc}"
                ) from exc
