"""An OAI-PMH 2.0 harvester's requests: Identify, then ListRecords in `oai_dc` page by
page, following resumption tokens. Every call goes through Selfpath's one outbound client
(deadline, size cap, same-site redirects, public addresses only in production).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

from lti.outbound import HARVEST_PAGE_BYTES, Outbound, OutboundError
from service.lazy_xml import etree
from service.library.oai_xml import (
    NOTHING_NEW,
    HarvestError,
    Identity,
    RecordsPage,
    oai_errors,
    oai_root,
    read_identity,
    read_records_page,
    response_date,
)

DEFAULT_MAX_PAGES = 1000
MAX_TOKEN_CHARS = 2000


def check_base_url(url: str, *, production: bool) -> str:
    """The repository's base URL, or a HarvestError saying what is wrong with it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2048:
        raise HarvestError(
            f"{url[:200]!r} is not the http(s) address of an OAI-PMH "
            "repository (for example https://library.example.org/oai)"
        )
    if production and parts.scheme != "https":
        raise HarvestError(f"{url} is not https: in production Selfpath harvests only over https")
    if parts.query or parts.fragment:
        raise HarvestError(f"{url} has a query or fragment: give the repository's base URL")
    return url.strip()


class OaiRepository:
    def __init__(
        self, http: Outbound, base_url: str, *, timeout: float, max_pages: int = DEFAULT_MAX_PAGES
    ) -> None:
        self.http, self.base_url = http, base_url
        self.timeout, self.max_pages = timeout, max_pages

    def identify(self) -> Identity:
        url = self._url({"verb": "Identify"})
        root = self._answer(url)
        return read_identity(root, url)

    def list_records(self, since: str | None) -> Iterator[RecordsPage]:
        """Each page of records changed `since` (inclusive), in order; raises HarvestError
        on the page where the repository misbehaves."""
        params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        if since:
            params["from"] = since
        seen: set[str] = set()
        for _number in range(self.max_pages):
            page = self._page(self._url(params))
            yield page
            if page.token is None:
                return
            if page.token in seen:
                raise HarvestError(
                    f"{self.base_url} sent the resumption token "
                    f"{page.token[:80]!r} again: Selfpath stops rather than "
                    "loop"
                )
            if len(page.token) > MAX_TOKEN_CHARS:
                raise HarvestError(
                    f"{self.base_url} sent a resumption token longer than "
                    f"{MAX_TOKEN_CHARS} characters"
                )
            seen.add(page.token)
            params = {"verb": "ListRecords", "resumptionToken": page.token}
        raise HarvestError(
            f"{self.base_url} had more than {self.max_pages} pages of records: "
            "Selfpath stopped (run again, or raise --max-pages)"
        )

    def _page(self, url: str) -> RecordsPage:
        root = self._answer(url)
        if NOTHING_NEW in (code for code, _message in oai_errors(root)):
            return RecordsPage(records=[], response_date=response_date(root), token=None)
        return read_records_page(root, url)

    def _answer(self, url: str) -> etree._Element:
        try:
            response = self.http.get(
                url,
                timeout=self.timeout,
                max_bytes=HARVEST_PAGE_BYTES,
                headers={"Accept": "text/xml, application/xml"},
            )
        except OutboundError as error:
            raise HarvestError(str(error)) from None
        if response.status_code != 200:
            raise HarvestError(f"{url} answered HTTP {response.status_code}")
        root = oai_root(response.content, url)
        refused = [(c, m) for c, m in oai_errors(root) if c != NOTHING_NEW]
        if refused:
            code, message = refused[0]
            raise HarvestError(f"{url} refused the request: {code}: {message[:300]}")
        return root

    def _url(self, params: dict[str, str]) -> str:
        return f"{self.base_url}?{urlencode(params)}"
