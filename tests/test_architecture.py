"""Dependencies point one way: service -> lti -> paths. The domain imports no web,
no LTI and no configuration; the LTI core imports no Flask and nothing of the edge."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LTI_WEB_MODULES = {"views.py", "cli.py", "runtime.py"}


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
    forbidden = {"flask", "werkzeug", "flask_sqlalchemy", "pylti1p3", "marshmallow", "lti",
                 "service", "config", "flask_wtf", "flask_babel"}
    assert not imports_of(path) & forbidden


@pytest.mark.parametrize("path", sorted(p for p in (ROOT / "lti").rglob("*.py")
                                        if p.name not in LTI_WEB_MODULES), ids=str)
def test_lti_core_imports_no_flask_or_edge(path):
    assert not imports_of(path) & {"flask", "werkzeug", "service", "flask_sqlalchemy"}


ENGINE = ROOT / "paths" / "learning"


def _outside_the_engine() -> list[Path]:
    return [p for p in (ROOT / "paths").rglob("*.py") if ENGINE not in p.parents]


def _public_definitions(path: Path) -> set[str]:
    """Top-level classes and functions a module offers (not its private helpers)."""
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and not node.name.startswith("_")}


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
    clashes = {f"{p.relative_to(ROOT).as_posix()}: {name}" for p in _outside_the_engine()
               for name in _public_definitions(p) & engine}
    assert clashes == set()
