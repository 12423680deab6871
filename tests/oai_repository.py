"""A small OAI-PMH 2.0 repository on loopback, to harvest from: Identify and ListRecords in
oai_dc, pages of a few records with resumption tokens, `from` filtering, deleted records,
and the ways a broken or hostile repository misbehaves."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from tests.platform import PlatformServer

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    "<responseDate>{date}</responseDate><request>{base}</request>"
)
DC_OPEN = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
)
BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>&lol3;'
    "</responseDate></OAI-PMH>"
)


@dataclass
class Record:
    identifier: str
    datestamp: str
    deleted: bool = False
    dc: dict[str, list[str]] = field(default_factory=dict)

    def xml(self) -> str:
        status = ' status="deleted"' if self.deleted else ""
        header = (
            f"<header{status}><identifier>{escape(self.identifier)}</identifier>"
            f"<datestamp>{self.datestamp}</datestamp></header>"
        )
        if self.deleted:
            return f"<record>{header}</record>"
        fields = "".join(
            f"<dc:{name}>{escape(value)}</dc:{name}>"
            for name, values in self.dc.items()
            for value in values
        )
        return f"<record>{header}<metadata>{DC_OPEN}{fields}</oai_dc:dc></metadata></record>"


def resource(oai_id: str, datestamp: str, title: str, **dc: list[str]) -> Record:
    """A record whose Dublin Core elements are the keyword arguments (identifier=[...])."""
    return Record(oai_id, datestamp, dc={"title": [title], **dc})


@dataclass
class FakeRepository:
    """Mounted at <server>/<name>; `misbehave` names what page `bad_page` does instead."""

    server: PlatformServer
    name: str = "oai"
    records: list[Record] = field(default_factory=list)
    page_size: int = 2
    response_date: str = "2026-12-01T08:00:00Z"
    granularity: str = "YYYY-MM-DDThh:mm:ssZ"
    misbehave: str | None = None
    bad_page: int = 1
    asked: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server.routes[f"/{self.name}"] = self._answer

    @property
    def base_url(self) -> str:
        return f"{self.server.base_url}/{self.name}"

    def _answer(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.asked.append(args)
        if args.get("verb") == "Identify":
            return self._xml(
                f"<Identify><repositoryName>Open School Repository</repositoryName>"
                f"<granularity>{self.granularity}</granularity></Identify>"
            )
        if args.get("resumptionToken") == "again":
            return self._misbehaving(args)
        offset, since = self._position(args)
        page = offset // self.page_size + 1
        if self.misbehave and page == self.bad_page:
            return self._misbehaving(args)
        return self._list(offset, since)

    def _position(self, args: dict[str, str]) -> tuple[int, str]:
        if "resumptionToken" in args:
            offset, _, since = args["resumptionToken"].partition("|")
            return int(offset), since
        return 0, args.get("from", "")

    def _list(self, offset: int, since: str) -> Response:
        chosen = [r for r in self.records if r.datestamp[: len(since)] >= since]
        if not chosen:
            return self._xml('<error code="noRecordsMatch">Nothing changed.</error>')
        page = chosen[offset : offset + self.page_size]
        after = offset + self.page_size
        token = (
            f'<resumptionToken completeListSize="{len(chosen)}">{after}|{since}</resumptionToken>'
            if after < len(chosen)
            else "<resumptionToken/>"
        )
        return self._xml(f"<ListRecords>{''.join(r.xml() for r in page)}{token}</ListRecords>")

    def _misbehaving(self, args: dict[str, str]) -> Response:
        if self.misbehave == "http-500":
            return Response("the repository is down", status=500)
        if self.misbehave == "invalid-xml":
            return Response("<OAI-PMH><ListRecords><record>", mimetype="text/xml")
        if self.misbehave == "bomb":
            return Response(BOMB, mimetype="text/xml")
        if self.misbehave == "bad-argument":
            return self._xml('<error code="badArgument">from is not a date</error>')
        if self.misbehave == "looping-token":
            first = self.records[: self.page_size]
            return self._xml(
                f"<ListRecords>{''.join(r.xml() for r in first)}"
                "<resumptionToken>again</resumptionToken></ListRecords>"
            )
        raise AssertionError(self.misbehave)

    def _xml(self, body: str) -> Response:
        head = HEAD.format(date=self.response_date, base=escape(self.base_url))
        return Response(f"{head}{body}</OAI-PMH>", mimetype="text/xml")
