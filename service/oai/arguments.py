"""A harvester's request, read and checked as OAI-PMH 2.0 says: one verb, each argument
once, only the arguments the verb takes, a resumption token alone, dates at day or second
granularity. Anything else is a protocol error, and nothing of any length reaches a query."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from service.oai.protocol import NOT_XML, OaiError

TOKEN = "resumptionToken"
# The arguments each verb takes: (required, optional).
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({TOKEN})),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", TOKEN})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", TOKEN})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
}
MAX_ARGUMENTS = 10
MAX_ARGUMENT_CHARS = 1000  # a resumption token is about 300
DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
SECOND = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")


def read_arguments(pairs: Iterable[tuple[str, list[str]]]) -> dict[str, str]:
    """The request's arguments, one value each, checked against its verb."""
    given: dict[str, list[str]] = {}
    for name, values in pairs:
        given.setdefault(name, []).extend(values)
    verb = _verb(given.get("verb", []))
    if len(given) > MAX_ARGUMENTS:
        raise OaiError("badArgument", "The request has too many arguments.")
    arguments = {"verb": verb}
    for name, values in given.items():
        if name != "verb":
            arguments[name] = _one_value(verb, name, values)
    _check_names(verb, arguments)
    return arguments


def _verb(values: list[str]) -> str:
    if len(values) != 1:
        raise OaiError("badVerb", "The request must name exactly one verb.")
    if values[0] not in VERBS:
        raise OaiError("badVerb", f"The verb is not one of {', '.join(VERBS)}.")
    return values[0]


def _one_value(verb: str, name: str, values: list[str]) -> str:
    required, optional = VERBS[verb]
    if name not in required | optional:
        raise OaiError("badArgument", f"{verb} does not take the argument '{_shown(name)}'.")
    if len(values) != 1:
        raise OaiError("badArgument", f"The argument '{name}' is given more than once.")
    value = values[0]
    if len(value) > MAX_ARGUMENT_CHARS or NOT_XML.search(value):
        raise OaiError(
            "badArgument",
            f"The value of '{name}' is too long or holds characters XML cannot carry.",
        )
    return value


def _check_names(verb: str, arguments: dict[str, str]) -> None:
    required, _ = VERBS[verb]
    if TOKEN in arguments:
        if len(arguments) > 2:
            raise OaiError(
                "badArgument",
                "resumptionToken is an exclusive argument: send it with the verb only.",
            )
        return
    missing = sorted(required - set(arguments))
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument {', '.join(missing)}.")


def _shown(name: str) -> str:
    return name[:40] + ("…" if len(name) > 40 else "")


@dataclass(frozen=True)
class ChangeWindow:
    """`from` and `until` as bounds on change times: from inclusive, before exclusive."""

    changed_from: datetime | None
    changed_before: datetime | None


def change_window(start: str | None, end: str | None) -> ChangeWindow:
    """A day or a second in `from` and `until` (both of the same granularity); `until`
    counts its whole day or second."""
    grains = {_granularity(v) for v in (start, end) if v is not None}
    if len(grains) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    changed_from = _moment(start, "from") if start else None
    last = _moment(end, "until") if end else None
    if changed_from and last and changed_from > last:
        raise OaiError("badArgument", "from must not be later than until.")
    if last is None or end is None:
        return ChangeWindow(changed_from, None)
    step = timedelta(days=1) if DAY.match(end) else timedelta(seconds=1)
    try:
        return ChangeWindow(changed_from, last + step)
    except OverflowError:  # the last day of year 9999: no upper bound
        return ChangeWindow(changed_from, None)


def _granularity(value: str) -> str:
    if DAY.match(value):
        return "day"
    if SECOND.match(value):
        return "second"
    raise OaiError("badArgument", "Dates are YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC).")


def _moment(value: str, name: str) -> datetime:
    _granularity(value)
    try:
        if DAY.match(value):
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise OaiError("badArgument", f"{name} is not a date that exists.") from exc
