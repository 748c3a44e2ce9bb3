"""`manage.py run` keeps the product up: a part that dies is started again, with a pause
that doubles each time, and only a part that keeps dying stops everything."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from core.management.commands import run


class Enough(BaseException):
    """Ends a supervision loop in a test, as a stop signal would."""


def _until(condition):
    def watch(now: float) -> None:
        if condition():
            raise Enough

    return watch


def _counting_child(tmp_path: Path, script: str) -> run.Child:
    """A real process that counts its starts in a file and then runs `script`
    (`starts` holds the number of earlier starts)."""
    counter = tmp_path / "starts"
    code = (
        "import pathlib, sys, time\n"
        f"p = pathlib.Path({str(counter)!r})\n"
        "starts = len(p.read_text()) if p.exists() else 0\n"
        "p.write_text('x' * (starts + 1))\n"
        f"{script}\n"
    )
    argv = [sys.executable, "-c", code]
    return run.Child("Celery worker", run._spawn(argv, dict(os.environ)), argv)


def _starts(tmp_path: Path) -> int:
    counter = tmp_path / "starts"
    return len(counter.read_text()) if counter.exists() else 0


def test_the_restart_pause_doubles_and_a_part_that_keeps_dying_stops_the_product():
    restarts = run.Restarts("Celery beat")

    delays = [restarts.next_delay(float(t), "exited with code 1") for t in range(5)]

    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0]
    with pytest.raises(CommandError) as stopped:
        restarts.next_delay(5.0, "exited with code 1")
    assert str(stopped.value) == (
        "Celery beat died 6 times within 120 s (last: exited with code 1); not restarting "
        "it again. Stopped OneThread: see the output above for why it dies.")


def test_deaths_long_ago_do_not_count_towards_the_limit():
    restarts = run.Restarts("Celery worker")
    for t in range(5):
        restarts.next_delay(float(t), "was killed by SIGKILL")

    # Well after the window, a death is a first one again.
    assert restarts.next_delay(500.0, "was killed by SIGKILL") == 1.0


def test_a_worker_that_is_killed_is_started_again_and_the_restart_is_logged(
        tmp_path, capfd, monkeypatch):
    monkeypatch.setattr(run, "RESTART_FIRST_DELAY_SECONDS", 0.05)
    # Given a worker that is killed on its first start and then keeps running
    child = _counting_child(
        tmp_path, "import os, signal\n"
                  "if starts == 0: os.kill(os.getpid(), signal.SIGKILL)\n"
                  "time.sleep(60)")
    try:
        # When run supervises it
        with pytest.raises(Enough):
            run._supervise([child], dict(os.environ), [_until(
                lambda: _starts(tmp_path) == 2 and child.process.poll() is None)])

        # Then it was started a second time, is running, and both events were logged
        assert child.process.poll() is None
        err = capfd.readouterr().err
        assert "Celery worker was killed by SIGKILL; restarting it in 0.05 s." in err
        assert f"Celery worker restarted (pid {child.process.pid})." in err
    finally:
        run._stop_children([child])


def test_a_worker_that_dies_on_every_start_stops_the_product_with_a_clear_error(
        tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESTART_FIRST_DELAY_SECONDS", 0.01)
    child = _counting_child(tmp_path, "sys.exit(3)")
    try:
        with pytest.raises(CommandError) as stopped:
            run._supervise([child], dict(os.environ))

        assert str(stopped.value) == (
            "Celery worker died 6 times within 120 s (last: exited with code 3); not "
            "restarting it again. Stopped OneThread: see the output above for why it dies.")
        assert _starts(tmp_path) == 6
    finally:
        run._stop_children([child])
