"""config/gunicorn.py as gunicorn itself reads it: no control socket shared between
instances on one machine, and memory given back after heavy requests."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from gunicorn.config import Config

GUNICORN_PY = Path(__file__).resolve().parents[2] / "config" / "gunicorn.py"


def gunicorn_config(monkeypatch, **env: str) -> Config:
    """The settings gunicorn applies from our file (it ignores names it does not know, so
    a misspelt setting would silently do nothing: only known names are kept here)."""
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(GUNICORN_PY)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_the_control_socket_is_off_by_default(monkeypatch, tmp_path):
    config = gunicorn_config(monkeypatch, INSTANCE_PATH=str(tmp_path))
    assert config.control_socket_disable is True


def test_an_asked_for_control_socket_lives_in_the_instance_folder(monkeypatch, tmp_path):
    config = gunicorn_config(monkeypatch, INSTANCE_PATH=str(tmp_path), GUNICORN_CONTROL_SOCKET="1")
    assert config.control_socket_disable is False
    assert Path(config.control_socket).parent == tmp_path.resolve()


@pytest.mark.parametrize("asked", ["0", "1"])
def test_two_instances_never_share_a_control_socket(monkeypatch, tmp_path, asked):
    first, second = (
        gunicorn_config(
            monkeypatch, INSTANCE_PATH=str(tmp_path / name), GUNICORN_CONTROL_SOCKET=asked
        )
        for name in ("one", "two")
    )
    sockets = [None if c.control_socket_disable else c.control_socket for c in (first, second)]
    assert sockets == [None, None] or sockets[0] != sockets[1]


def test_gunicorn_gives_memory_back_after_heavy_requests(monkeypatch, tmp_path):
    """The hooks of config/worker_memory.py are gunicorn's, around every request."""
    config = gunicorn_config(monkeypatch, INSTANCE_PATH=str(tmp_path))
    assert config.pre_request.__module__ == "config.worker_memory"
    assert config.post_request.__module__ == "config.worker_memory"
    assert config.when_ready.__module__ == "config.worker_memory"  # freezes before forking
