"""The one way Selfpath calls an LMS: configurations, registrations, key sets, tokens,
gradebooks (AGS) and rosters (NRPS); and other repositories it harvests (OAI-PMH).

Every call is bounded and checked:
- one deadline for the whole call (connecting, sending, the headers and the whole body,
  redirects included), however slowly the LMS drips its answer;
- a size cap per kind of call: the body is streamed and the call stops past the cap (a
  Content-Length above it is refused before reading);
- redirects are followed only within the same scheme, host and port, a few times;
- in production, no loopback, private, link-local, multicast or reserved destination
  (but for the private networks an admin named for an LMS of their own), judged on the
  addresses actually connected to (see lti/outbound_transport.py).
Failures raise an `OutboundError` whose message names the URL and the limit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin

import requests
import urllib3

from lti.addresses import AddressRule, Resolver, system_resolver
from lti.outbound_transport import AddressRefused, CallLimits, CheckedAdapter, limited
from lti.platform_configuration import origin

USER_AGENT = "Selfpath-LTI/1.0"
KIB = 1024
MIB = 1024 * KIB
# Size caps per kind of answer: generous for what an LMS sends, small next to a worker.
CONFIGURATION_BYTES = 1 * MIB  # an OpenID configuration, a registration answer
KEY_SET_BYTES = 1 * MIB
TOKEN_BYTES = 1 * MIB
GRADEBOOK_BYTES = 2 * MIB  # a score receipt, a line item, a page of line items
ROSTER_PAGE_BYTES = 8 * MIB  # one NRPS page (Moodle sends a whole course in one)
HARVEST_PAGE_BYTES = 8 * MIB  # one OAI-PMH answer (a page of records, a few hundred)
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * KIB


class OutboundError(Exception):
    """A call that could not be made or finished; the message is for an LMS admin."""

    code = "outbound_failed"
    retryable = False  # worth trying again later (a slow or unreachable LMS)

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class DeadlineExceeded(OutboundError):
    code, retryable = "platform_too_slow", True


class Unreachable(OutboundError):
    code, retryable = "platform_unreachable", True


class ResponseTooLarge(OutboundError):
    code = "answer_too_large"

    def __init__(self, message: str, url: str, bytes_read: int) -> None:
        super().__init__(message, url)
        self.bytes_read = bytes_read


class RedirectRefused(OutboundError):
    code = "redirect_refused"


class InternalAddress(OutboundError):
    code = "internal_address"


def size(limit: int) -> str:
    return f"{limit // MIB} MB" if limit % MIB == 0 else f"{limit // KIB} KB"


class Outbound:
    """Calls to LMSs over kept-alive connections; one per process (or per worker)."""

    def __init__(
        self,
        *,
        addresses: AddressRule,
        pool_size: int = 10,
        resolve: Resolver = system_resolver,
        ca_bundle: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.addresses, self._resolve, self._clock = addresses, resolve, clock
        self._http = requests.Session()
        # Direct connections only: a proxy from the environment would be the peer checked.
        self._http.trust_env = False
        # ...but the certificate authorities requests would trust from it are kept.
        self._http.verify = ca_bundle or _environment_ca_bundle() or True
        self._http.headers["User-Agent"] = USER_AGENT
        adapter = CheckedAdapter(pool_connections=8, pool_maxsize=max(pool_size, 1), max_retries=0)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    def close(self) -> None:
        self._http.close()

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        timeout: float,
        max_bytes: int,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        json: Any = None,
    ) -> requests.Response:
        """The LMS's answer (any status), its body read; raises OutboundError."""
        limits = CallLimits(
            deadline=self._clock() + timeout,
            clock=self._clock,
            addresses=self.addresses,
            resolve=self._resolve,
        )
        sent = dict(headers or {})
        with limited(limits):
            for _ in range(MAX_REDIRECTS + 1):
                response = self._once(method, url, sent, data, json, limits, timeout, max_bytes)
                if not response.is_redirect:
                    return response
                target = _redirect_target(url, response)
                if response.status_code == 303 or (
                    response.status_code in (301, 302) and method == "POST"
                ):
                    method, data, json = "GET", None, None
                    sent.pop("Content-Type", None)
                url = target
        raise RedirectRefused(f"{url} redirected more than {MAX_REDIRECTS} times", url)

    def _once(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: Any,
        json: Any,
        limits: CallLimits,
        timeout: float,
        max_bytes: int,
    ) -> requests.Response:
        try:
            response = self._http.request(
                method,
                url,
                headers=headers,
                data=data,
                json=json,
                timeout=(timeout, timeout),
                stream=True,
                allow_redirects=False,
            )
            return _read_capped(response, url, max_bytes)
        except AddressRefused as refused:
            raise InternalAddress(
                f"Selfpath does not call {url}: {refused}, and only public addresses "
                "(and LMS_PRIVATE_NETWORKS) are allowed in production",
                url,
            ) from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            if limits.clock() >= limits.deadline:
                raise DeadlineExceeded(
                    f"{url} did not answer completely within the "
                    f"{timeout:g} s Selfpath allows a call",
                    url,
                ) from None
            raise Unreachable(
                f"Selfpath could not reach {url} ({type(error).__name__})", url
            ) from None


def _environment_ca_bundle() -> str | None:
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def _redirect_target(url: str, response: requests.Response) -> str:
    target = urljoin(url, response.headers["Location"])
    if origin(target) != origin(url):
        raise RedirectRefused(
            f"{url} redirects to {target}, on another site: Selfpath "
            "follows redirects only to the same scheme, host and port",
            url,
        )
    return target


def _read_capped(response: requests.Response, url: str, max_bytes: int) -> requests.Response:
    """Read the body, never much more than `max_bytes` of it (decoded)."""
    try:
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(url, max_bytes, 0, f" (it announced {int(declared):,} bytes)")
        body = bytearray()
        for chunk in response.raw.stream(CHUNK_BYTES, decode_content=True):
            body += chunk
            if len(body) > max_bytes:
                raise _too_large(url, max_bytes, len(body), "")
    except BaseException:
        response.close()  # the rest is never read: the connection is not reused
        raise
    response._content = bytes(body)
    response._content_consumed = True  # type: ignore[attr-defined]
    return response


def _too_large(url: str, max_bytes: int, read: int, detail: str) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"the answer from {url} is larger than the {size(max_bytes)} "
        f"Selfpath accepts for it{detail}",
        url,
        read,
    )
