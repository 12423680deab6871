"""A web worker loads only what serving needs: the XML library and numpy wait for the first
page or command that uses them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from service.lazy_xml import OnFirstUse

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys, wsgi
numpy = sys.modules.get("numpy")
print("lxml" if any(name.startswith("lxml") for name in sys.modules) else "-")
print("numpy" if numpy is not None and type(numpy).__name__ != "_LazyModule" else "-")
"""


def test_the_wsgi_application_loads_neither_lxml_nor_numpy(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}", "DEMO_LMS": ""}
    env["INSTANCE_PATH"] = str(tmp_path)
    found = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert found.returncode == 0, found.stderr[-2000:]
    assert found.stdout.split() == ["-", "-"]


def test_a_stand_in_module_loads_the_real_one_on_first_use():
    json = OnFirstUse("json")
    assert json.dumps([1]) == "[1]"
    assert "dumps" in json.__dict__  # later reads are plain attribute reads


def test_a_stand_in_for_a_missing_module_says_so():
    missing = OnFirstUse("no_such_module_anywhere")
    try:
        missing.anything  # noqa: B018
    except ModuleNotFoundError as error:
        assert "no_such_module_anywhere" in str(error)
    else:
        raise AssertionError("a missing module was not reported")
