"""Dependencies point one way: service -> lti -> paths. The domain imports no web,
no LTI and no configuration; the LTI layer imports no Flask, no configuration and
nothing of the edge, with no exception: its collaborators are handed to it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lti.models  # noqa: F401  (registers the LTI tables)
import paths.tables  # noqa: F401  (registers the domain tables)
from paths.db import Base

ROOT = Path(__file__).resolve().parent.parent
WEB = {"flask", "werkzeug", "flask_sqlalchemy", "flask_wtf", "flask_babel"}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "paths").rglob("*.py")), ids=str)
def test_domain_imports_no_web_lti_or_config(path):
    forbidden = {
        "flask",
        "werkzeug",
        "flask_sqlalchemy",
        "pylti1p3",
        "marshmallow",
        "lti",
        "service",
        "config",
        "flask_wtf",
        "flask_babel",
    }
    assert not imports_of(path) & forbidden


@pytest.mark.parametrize("path", sorted((ROOT / "lti").rglob("*.py")), ids=str)
def test_lti_imports_no_flask_configuration_or_edge(path):
    assert not imports_of(path) & (WEB | {"service", "config"})


def imports_inside_functions(path: Path) -> list[str]:
    found = []
    for function in ast.walk(ast.parse(path.read_text())):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [
                f"{function.name}: line {node.lineno}"
                for node in ast.walk(function)
                if isinstance(node, (ast.Import, ast.ImportFrom))
            ]
    return found


def test_the_application_factory_imports_everything_at_the_top():
    """An import inside a function there would be hiding an import cycle."""
    assert imports_inside_functions(ROOT / "service" / "__init__.py") == []


ENGINE = ROOT / "paths" / "learning"


def _outside_the_engine() -> list[Path]:
    return [p for p in (ROOT / "paths").rglob("*.py") if ENGINE not in p.parents]


def _public_definitions(path: Path) -> set[str]:
    """Top-level classes and functions a module offers (not its private helpers)."""
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef | ast.FunctionDef) and not node.name.startswith("_")
    }


def test_no_module_name_is_both_in_the_domain_and_the_engine():
    """`paths.learning` owns the personalization vocabulary: a module of the same name
    elsewhere in `paths/` would make one word mean two things."""
    engine = {p.stem for p in ENGINE.glob("*.py")} - {"__init__"}
    elsewhere = {p.relative_to(ROOT).as_posix(): p.stem for p in _outside_the_engine()}
    assert {path for path, stem in elsewhere.items() if stem in engine} == set()


def test_the_domain_defines_no_class_or_function_the_engine_defines():
    """The session-facing use cases import the engine's types instead of redefining them, and
    what differs gets its own name."""
    engine = set().union(*(_public_definitions(p) for p in ENGINE.glob("*.py")))
    clashes = {
        f"{p.relative_to(ROOT).as_posix()}: {name}"
        for p in _outside_the_engine()
        for name in _public_definitions(p) & engine
    }
    assert clashes == set()


def test_no_domain_table_points_into_lti():
    """Foreign keys point the way imports do: the LTI adapter's tables may point to the
    domain's (a deployment to its tenant), never the reverse."""
    backwards = [
        f"{table.name}.{fk.parent.name} -> {fk.column.table.name}"
        for table in Base.metadata.tables.values()
        if not table.name.startswith("lti_")
        for fk in table.foreign_keys
        if fk.column.table.name.startswith("lti_")
    ]
    assert backwards == []
