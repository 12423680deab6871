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
