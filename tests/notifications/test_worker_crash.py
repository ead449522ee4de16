"""A real worker process killed (`kill -9`) in the middle of a delivery: the message is not stuck, the sweep sends it
again, with the same key, and the worker's log names no recipient."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from doithoai.notifications import backends, delivery
from doithoai.notifications.models import Notification
from tests.processes import database_url

pytestmark = pytest.mark.django_db(transaction=True)  # the worker is another process: real commits

PHONE = "0987654321"
ROOT = Path(__file__).resolve().parents[2]


class BlockingSms(backends.SmsGateway):
    """Leaves a mark with the key it was given (the message reached the gateway), then hangs: the worker is
    killed there."""

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        Path(os.environ["DOITHOAI_TEST_MARK"]).write_text(key)
        time.sleep(60)


class RecordingSms(backends.SmsGateway):
    keys: list[str] = []

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        RecordingSms.keys.append(key)


def _wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, "the worker never reached the gateway"
        time.sleep(0.05)


def test_a_worker_killed_while_sending_leaves_no_message_stuck(tmp_path, settings):
    notification = Notification.objects.create(
        event_key="test:crash",
        kind=Notification.Kind.RECEIPT,
        channel="sms",
        recipient=PHONE,
        subject="Đã tiếp nhận",
        body="Da tiep nhan y kien, ma K7QX",
    )
    delivery.enqueue(notification.pk)
    mark, log = tmp_path / "mark", tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DOITHOAI_SMS_BACKEND": f"{__name__}.BlockingSms",
        "DOITHOAI_TEST_MARK": str(mark),
        "DOITHOAI_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DOITHOAI_LOG_LEVEL": "DEBUG",
    }
    command = [
        sys.executable,
        "-m",
        "doithoai.cli",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.1",
    ]
    with log.open("w") as err:
        worker = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)  # noqa: S603
        try:
            _wait_for(mark, 30)
        finally:
            worker.kill()  # kill -9, in the middle of the send
            worker.wait()

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENDING, 1)
    assert notification.claimed_by.endswith(f":{worker.pid}")

    settings.NOTIFY_CLAIM_TIMEOUT = 1
    time.sleep(1.1)
    assert delivery.sweep() == 1
    settings.SMS_BACKEND = f"{__name__}.RecordingSms"
    RecordingSms.keys = []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 2)
    assert RecordingSms.keys == [mark.read_text()] == [backends.message_key(notification)]
    worker_log = log.read_text()
    assert "Starting worker" in worker_log  # it did log, at DEBUG
    assert PHONE not in worker_log and "K7QX" not in worker_log
