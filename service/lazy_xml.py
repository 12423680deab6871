"""lxml, loaded on first use.

Only the OAI-PMH provider, harvesting and Common Cartridge read or build XML, and a web
worker may serve none of them all day: importing lxml with the application would cost every
worker about 4 MB for nothing (SPEC §5 wants a worker under 100 MB). Those modules import
`etree` and `html` from here; the first attribute read loads the real module for good. XML
from outside (a harvested repository, an uploaded cartridge) is read with `safe_parser`.
(`importlib.util.LazyLoader` cannot do this: lxml's modules are C extensions, loaded as
soon as the module object is made.)"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any


class OnFirstUse(ModuleType):
    """A stand-in for module `name` that imports it on the first attribute read."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_target"] = name

    def __getattr__(self, attribute: str) -> Any:  # only for what is not loaded yet
        module = importlib.import_module(self.__dict__["_target"])
        self.__dict__.update(module.__dict__)
        return getattr(module, attribute)


if TYPE_CHECKING:
    from lxml import etree, html
else:
    etree = OnFirstUse("lxml.etree")
    html = OnFirstUse("lxml.html")


def safe_parser(*, remove_pis: bool = False) -> etree.XMLParser:
    """A parser for XML from outside: no entities expanded, no DTD loaded, nothing fetched,
    no huge trees, comments dropped (and processing instructions, with `remove_pis`)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=remove_pis,
    )
