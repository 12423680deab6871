"""Opening an uploaded cartridge without trusting it: the zip's size, number of entries,
total and per-entry expansion are checked against limits before anything is read, names
that would escape the package are refused, and XML is parsed with no DTD, no entities and
no network. Members are read into memory, never written to disk."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import unquote

from paths.errors import DomainError
from service.lazy_xml import etree, safe_parser

ZIP_MAGIC = b"PK\x03\x04"
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class PackageLimits:
    """What a cartridge may be. A thin cartridge of links and quizzes is a few hundred
    kilobytes; a whole LMS course export with its files can be tens of megabytes."""

    package_bytes: int = 20 * 1024 * 1024
    entries: int = 2000
    total_bytes: int = 100 * 1024 * 1024
    ratio: int = 100  # how many times larger than compressed an entry may expand
    ratio_from_bytes: int = 64 * 1024  # small files (XML of spaces) may compress better
    xml_bytes: int = 5 * 1024 * 1024


LIMITS = PackageLimits()


class CartridgeError(DomainError):
    """A refused cartridge; the message starts with the part at fault."""

    def __init__(self, part: str, problem: str) -> None:
        super().__init__(f"{part}: {problem}", code="invalid_cartridge")


def is_package(raw: bytes) -> bool:
    return raw.startswith(ZIP_MAGIC)


class Package:
    """The members of a checked zip, read one at a time and bounded."""

    def __init__(self, raw: bytes, limits: PackageLimits = LIMITS) -> None:
        self.limits = limits
        if len(raw) > limits.package_bytes:
            raise CartridgeError(
                "the package", f"it is larger than {limits.package_bytes // (1024 * 1024)} MB"
            )
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(raw))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
            raise CartridgeError("the package", "it is not a zip file") from error
        self._members = _checked_members(infos, limits)

    def names(self) -> set[str]:
        return set(self._members)

    def read(self, name: str, *, needed_by: str) -> bytes:
        """A member's bytes; `needed_by` names who asked, for the refusal."""
        info = self._members.get(name)
        if info is None:
            raise CartridgeError(needed_by, f"{name!r} is not in the package")
        try:
            with self._zip.open(info) as member:
                data = member.read(info.file_size + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            NotImplementedError,
            RuntimeError,
            EOFError,
            ValueError,
        ) as error:
            raise CartridgeError(
                name,
                "it cannot be read from the zip (damaged, encrypted "
                "or compressed in an unusual way)",
            ) from error
        if len(data) > info.file_size:
            raise CartridgeError(name, "it is larger than the zip says")
        return data

    def xml(self, name: str, *, needed_by: str) -> etree._Element:
        data = self.read(name, needed_by=needed_by)
        if len(data) > self.limits.xml_bytes:
            raise CartridgeError(name, "the XML file is too large")
        return parse_xml(data, name)


def _checked_members(
    infos: list[zipfile.ZipInfo], limits: PackageLimits
) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > limits.entries:
        raise CartridgeError("the package", f"it has more than {limits.entries} entries")
    if sum(i.file_size for i in infos) > limits.total_bytes:
        raise CartridgeError(
            "the package",
            f"its files would expand to more than {limits.total_bytes // (1024 * 1024)} MB",
        )
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        check_name(info.filename, "the package")
        if info.flag_bits & 0x1:
            raise CartridgeError(info.filename, "it is encrypted")
        if info.file_size > limits.ratio_from_bytes and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            raise CartridgeError(
                info.filename,
                f"it expands more than {limits.ratio} times its compressed size (a zip bomb?)",
            )
        if info.filename in members:
            raise CartridgeError(info.filename, "the package holds it twice")
        if not info.is_dir():
            members[info.filename] = info
    return members


def check_name(name: str, where: str) -> str:
    """A name inside the package: relative, forward slashes, never leaving it."""
    if "\\" in name or "\x00" in name:
        raise CartridgeError(where, f"{name!r} has a backslash or NUL in its name")
    if name.startswith("/") or _DRIVE.match(name):
        raise CartridgeError(where, f"{name!r} is an absolute path")
    if ".." in name.split("/"):
        raise CartridgeError(where, f"{name!r} points outside the package ('..')")
    return name


def member_name(href: str, base: str, where: str) -> str:
    """The package member a manifest's `href` names, relative to `base` (a folder)."""
    name = unquote(href.split("#", 1)[0].split("?", 1)[0])
    check_name(name, where)
    joined = posixpath.normpath(posixpath.join(base, name)) if base else posixpath.normpath(name)
    return check_name(joined, where)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """The root element of an XML member; a DTD or an entity is refused, not expanded."""
    try:
        tree = etree.parse(io.BytesIO(data), safe_parser(remove_pis=True))
    except etree.XMLSyntaxError as error:
        raise CartridgeError(name, f"it is not well-formed XML ({error.msg})") from error
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise CartridgeError(name, "it declares a DTD (entities are not allowed in a cartridge)")
    root = tree.getroot()
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise CartridgeError(name, "it uses an entity that is not defined")
    return root
