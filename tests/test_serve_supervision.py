"""`doithoai serve --with-worker` keeps its background worker alive: a worker that dies (`kill -9`) is started again
within seconds, the periodic clean-up runs beside it in a process of its own, and when the server stops (even
killed), the worker stops with it."""

import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from doithoai import cli
from doithoai.notifications.models import Notification
from tests.processes import database_url

ROOT = Path(__file__).resolve().parents[1]
SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _gone(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()


# ---------------------------------------------------------------- the supervisor, with stand-in processes


def test_a_worker_that_dies_is_started_again_after_a_short_back_off(caplog):
    worker = cli.Supervised(SLEEPER)
    worker.start(now=0.0)
    first = worker.proc
    try:
        first.kill()  # kill -9
        first.wait()
        with caplog.at_level(logging.WARNING, logger="doithoai.cli"):
            worker.check(now=5.0)
            assert worker.proc is first  # not yet: the back-off
            worker.check(now=5.0 + cli.RESTART_AFTER[0])
        assert worker.proc is not first and worker.proc.poll() is None
        assert f"Tiến trình nền (pid {first.pid}) đã dừng, mã -9; khởi động lại sau 1 giây." in caplog.text
        assert f"Đã khởi động lại tiến trình nền (pid {worker.proc.pid})." in caplog.text
    finally:
        _gone(worker.proc)


def test_the_back_off_grows_while_the_worker_keeps_dying_and_starts_over_once_it_ran_well():
    worker = cli.Supervised([sys.executable, "-c", "raise SystemExit(1)"])
    worker.start(now=0.0)
    delays, now = [], 0.0
    for _ in range(4):
        worker.proc.wait()
        worker.check(now)
        delays.append(worker.restart_at - now)
        now = worker.restart_at
        worker.check(now)  # started again
    assert delays == [1, 2, 5, 10]
    worker.proc.wait()
    worker.check(now + cli.HEALTHY_AFTER)  # this one ran long enough: back to the shortest
    assert worker.restart_at - (now + cli.HEALTHY_AFTER) == cli.RESTART_AFTER[0]


def test_a_clean_up_that_fails_or_hangs_is_logged_and_never_raises(caplog, monkeypatch):
    failing = cli.Sweeper(1, now=0.0, command=[sys.executable, "-c", "raise SystemExit(3)"])
    failing.check(now=1.0)
    failing.proc.wait()
    with caplog.at_level(logging.WARNING, logger="doithoai.cli"):
        failing.check(now=1.5)
    assert "Dọn dẹp định kỳ kết thúc với mã 3." in caplog.text and failing.proc is None

    monkeypatch.setattr(cli, "SWEEP_LIMIT", 0.5)
    hanging = cli.Sweeper(1, now=0.0, command=SLEEPER)
    hanging.check(now=1.0)
    try:
        hanging.check(now=1.2)
        assert hanging.proc.poll() is None  # running: no second one started beside it
        hanging.check(now=2.0)
        assert hanging.proc.wait(5) == -signal.SIGKILL
        assert "Dọn dẹp định kỳ chạy quá 0.5 giây, đã dừng." in caplog.text
    finally:
        _gone(hanging.proc)


# ---------------------------------------------------------------- for real


def _children(pid: int) -> dict[int, str]:
    """Child processes of `pid` and their command lines (Linux /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
    return found


def _worker_of(serve: subprocess.Popen, other_than: int | None = None, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert serve.poll() is None, "serve stopped"
        for pid, command in _children(serve.pid).items():
            if "db_worker" in command and pid != other_than:
                return pid
        time.sleep(0.1)
    raise AssertionError("no worker")


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = list(_children(todo.pop()))
        found += children
        todo += children
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie left for a container's init to reap does not count)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)  # serve's processes share the test database: real commits
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc (Linux)")
def test_serve_restarts_a_killed_worker_sweeps_and_stops_it_with_the_server(tmp_path):
    # A message committed whose task was never enqueued (a crash between the two): the clean-up must find it.
    orphan = Notification.objects.create(
        event_key="test:serve",
        kind="receipt",
        channel="email",
        recipient="nguoi@example.vn",
        subject="Đã tiếp nhận",
        body="…",
    )
    Notification.objects.filter(pk=orphan.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DOITHOAI_SMS"))}
    env.update(DOITHOAI_DEMO="1", DOITHOAI_DATA_DIR=str(tmp_path), DATABASE_URL=database_url(), PYTHONPATH=str(ROOT))
    env.pop("DOITHOAI_BASE_URL", None)
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "doithoai.cli",
        "serve",
        "--with-worker",
        "--no-migrate",
        "--sweep-every",
        "1",
        "--port",
        str(port),
    ]
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603
    family: list[int] = []
    try:
        first = _worker_of(serve)
        # The worker builds its messages' links on the address served on (DOITHOAI_BASE_URL, derived in the demo).
        assert f"DOITHOAI_BASE_URL=http://127.0.0.1:{port}".encode() in Path(f"/proc/{first}/environ").read_bytes()
        os.kill(first, signal.SIGKILL)
        killed_at = time.monotonic()
        second = _worker_of(serve, other_than=first, seconds=10)
        assert time.monotonic() - killed_at < 5  # a new worker within seconds

        deadline = time.monotonic() + 20  # the clean-up re-queues the orphan; the new worker keeps it (no server)
        while Notification.objects.get(pk=orphan.pk).status != Notification.Status.KEPT:
            assert time.monotonic() < deadline, "the orphaned message was never delivered"
            time.sleep(0.2)

        # The server itself killed (`kill -9`, out of memory): its worker and its web server stop with it.
        family = _descendants(serve.pid)
        assert second in family
        serve.kill()
        serve.wait()
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in family):
            assert time.monotonic() < deadline, [pid for pid in family if _alive(pid)]
            time.sleep(0.2)
    finally:  # whatever failed, nothing is left running
        family += _descendants(serve.pid) if serve.poll() is None else []
        _gone(serve)
        for pid in family:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()
    text = (tmp_path / "serve.log").read_text()
    assert f"Tiến trình nền (pid {first}) đã dừng, mã -9" in text
    assert "nguoi@example.vn" not in text
