"""The limits a cartridge is opened under are checked before any member is read."""

from __future__ import annotations

import pytest

from service.cartridge.importer import read_cartridge
from service.cartridge.package import CartridgeError, Package, PackageLimits, member_name
from tests.functional.cartridges import minimal_files, zipped


def test_a_package_larger_than_the_limit_is_refused():
    raw = zipped(minimal_files())
    with pytest.raises(CartridgeError, match="the package: it is larger than 0 MB"):
        Package(raw, PackageLimits(package_bytes=len(raw) - 1))
    assert Package(raw, PackageLimits(package_bytes=len(raw))).names()


def test_files_that_would_expand_beyond_the_total_are_refused_before_reading():
    raw = zipped({**minimal_files(), "big.txt": "x" * 5000})
    with pytest.raises(CartridgeError, match="would expand to more than"):
        Package(raw, PackageLimits(total_bytes=5000))


def test_small_files_may_compress_well_but_large_ones_may_not():
    raw = zipped({**minimal_files(), "spaces.xml": " " * 60_000})
    assert "spaces.xml" in Package(raw).names()
    with pytest.raises(CartridgeError, match="spaces.xml: it expands more than 100 times"):
        Package(raw, PackageLimits(ratio_from_bytes=1000))


def test_an_xml_file_beyond_its_limit_is_not_parsed():
    raw = zipped(minimal_files())
    with pytest.raises(CartridgeError, match="imsmanifest.xml: the XML file is too large"):
        read_cartridge(raw, limits=PackageLimits(xml_bytes=100))


@pytest.mark.parametrize(
    ("href", "base", "name"),
    [
        ("page.html", "R_1", "R_1/page.html"),
        ("R_1/a%20b.html#top", "", "R_1/a b.html"),
        ("./R_1/./page.html", "", "R_1/page.html"),
    ],
)
def test_hrefs_name_members_of_the_package(href, base, name):
    assert member_name(href, base, "imsmanifest.xml") == name


@pytest.mark.parametrize("href", ["../x", "R_1/../../x", "/etc/passwd", "C:/x", "a\\b", "%2e%2e/x"])
def test_hrefs_that_leave_the_package_are_refused(href):
    with pytest.raises(CartridgeError, match="imsmanifest.xml: "):
        member_name(href, "", "imsmanifest.xml")
