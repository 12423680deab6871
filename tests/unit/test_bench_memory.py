"""The benchmark's memory figures: a process's proportional set size beside its RSS."""

import os
import subprocess
import sys

import psutil
import pytest

from bench import procstat


def test_pss_is_read_from_smaps_rollup_and_is_at_most_rss():
    pss = procstat.pss_mb(os.getpid())
    assert 0 < pss <= psutil.Process().memory_info().rss / 1e6


def test_each_child_of_a_master_has_its_pss_listed_at_most_its_rss():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        master = psutil.Process()
        pss = procstat.worker_pss_mb(master.pid)
        rss = procstat.worker_rss_mb(master.pid)
        assert len(pss) == len(rss) >= 1
        assert all(p <= r for p, r in zip(pss, rss, strict=True))
    finally:
        child.kill()
        child.wait()


def test_a_process_that_is_gone_has_no_pss():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    with pytest.raises(FileNotFoundError):
        procstat.pss_mb(child.pid)
