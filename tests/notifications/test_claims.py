"""At-least-once delivery: each message is claimed before it is sent, what a crash left is retried by the sweep
(after a timeout, with a back-off, up to a maximum), with the same key on the channel every time."""

import datetime as dt
import http.server
import json
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doithoai.notifications import backends, delivery
from doithoai.notifications.models import Notification
from doithoai.operations.sweep import SWEEPS

pytestmark = pytest.mark.django_db

S = Notification.Status
TIMEOUT = 300  # the default NOTIFY_CLAIM_TIMEOUT


def _queued(key="test:claim", channel="email", recipient="phongkinhte@tanyen.example", **fields):
    return Notification.objects.create(
        event_key=key,
        kind=Notification.Kind.STATUS,
        channel=channel,
        recipient=recipient,
        subject="Ý kiến K7QX-M3RW-9HTD-B: Đang giải quyết",
        body="Nội dung thử nghiệm.",
        **fields,
    )


def _later(seconds: float):
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


class WatchingSms(backends.SmsGateway):
    """Records, while it sends, what the database says of the message, and the key it was given."""

    seen: list = []

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        n = Notification.objects.get(recipient=phone)
        WatchingSms.seen.append((n.status, n.attempts, n.claimed_by, key))


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"5.1.1 mailbox unavailable")})


# ---------------------------------------------------------------- the claim


def test_a_message_is_claimed_before_it_is_sent_and_the_gateway_gets_its_key(settings):
    settings.SMS_BACKEND = f"{__name__}.WatchingSms"
    WatchingSms.seen = []
    notification = _queued(channel="sms", recipient="0987654321")

    assert delivery.deliver(notification.pk) == "sent"

    [(status, attempts, claimed_by, key)] = WatchingSms.seen
    assert (status, attempts) == (S.SENDING, 1)
    assert claimed_by.endswith(f":{__import__('os').getpid()}")
    assert key == backends.message_key(notification) and key.startswith(f"thongbao-{notification.pk}-")
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (S.SENT, 1)


def test_a_second_task_for_a_message_being_sent_sends_nothing():
    notification = _queued()
    assert delivery.claim(notification.pk) is not None  # the first task is sending it

    assert delivery.deliver(notification.pk) == "already handled"
    assert delivery.claim(notification.pk) is None
    assert mail.outbox == []


def test_the_email_carries_a_message_id_derived_from_the_notification(settings):
    settings.DEFAULT_FROM_EMAIL = "Đối thoại <doithoai@tanyen.gov.vn>"
    first, second = _queued("test:a"), _queued("test:b")

    delivery.deliver(first.pk)
    delivery.deliver(second.pk)

    ids = [m.message()["Message-ID"] for m in mail.outbox]
    assert ids == [backends.message_id(first), backends.message_id(second)]
    assert ids[0] != ids[1]
    assert ids[0].startswith(f"<thongbao-{first.pk}-") and ids[0].endswith("@tanyen.gov.vn>")
    assert "phongkinhte" not in ids[0]
    assert backends.message_id(first) == backends.message_id(Notification.objects.get(pk=first.pk))


def test_a_refused_recipient_is_recorded_without_the_address(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    notification = _queued()

    assert delivery.deliver(notification.pk) == "failed"

    notification.refresh_from_db()
    assert notification.status == S.FAILED
    assert notification.error.startswith("Máy chủ thư từ chối địa chỉ người nhận: ")
    assert "mailbox unavailable" in notification.error and "[email]" in notification.error
    assert "phongkinhte@tanyen.example" not in notification.error


# ---------------------------------------------------------------- the sweep: claims a crash left


def test_a_claim_left_by_a_killed_worker_is_sent_again_after_the_timeout_with_the_same_message_id(settings):
    notification = _queued()
    delivery.claim(notification.pk)  # … and the worker was killed while sending
    first_id = backends.message_id(notification)

    with _later(TIMEOUT - 5):
        assert delivery.sweep() == 0  # it may still be sending
    with _later(TIMEOUT + 5):
        assert delivery.sweep() == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.claimed_by) == (S.QUEUED, 1, "")

    assert delivery.deliver(notification.pk) == "sent"
    assert mail.outbox[0].message()["Message-ID"] == first_id  # a receiver that deduplicates shows it once
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (S.SENT, 2)


def test_the_timeout_is_a_setting_and_each_attempt_waits_longer(settings):
    settings.NOTIFY_CLAIM_TIMEOUT = 60
    notification = _queued()
    delivery.claim(notification.pk)
    with _later(65):
        assert delivery.sweep() == 1
        delivery.claim(notification.pk)  # the second attempt dies too
    with _later(65 + 115):
        assert delivery.sweep() == 0  # the 2nd attempt is given 2 × 60 s
    with _later(65 + 125):
        assert delivery.sweep() == 1


def test_after_the_maximum_of_attempts_the_message_is_failed_with_a_vietnamese_reason(settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    notification = _queued()
    delivery.claim(notification.pk)
    Notification.objects.filter(pk=notification.pk).update(attempts=2)

    with _later(2 * TIMEOUT + 5):
        assert delivery.sweep() == 0

    notification.refresh_from_db()
    assert notification.status == S.FAILED
    assert notification.error == "Không gửi được sau 2 lần thử (tiến trình gửi bị dừng giữa chừng)."


def test_a_slow_sender_that_finishes_after_its_claim_was_given_up_still_marks_it_sent():
    notification = _queued()
    slow = delivery.claim(notification.pk)
    with _later(TIMEOUT + 5):
        delivery.sweep()

    delivery._finish(slow, S.SENT)  # the first worker was only slow: its message left

    assert delivery.deliver(notification.pk) == "already handled"  # the retry sends nothing more
    notification.refresh_from_db()
    assert notification.status == S.SENT


# ---------------------------------------------------------------- the sweep: messages whose task is gone


def _age(notification, seconds=120):
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_a_message_committed_but_never_enqueued_is_enqueued_by_the_sweep():
    notification = _queued()  # a crash between the commit and the enqueue: no task
    _age(notification)

    assert delivery.sweep() == 1

    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [notification.pk], "kwargs": {}}
    notification.refresh_from_db()
    assert notification.task_id == task.id
    assert delivery.sweep() == 0  # its task is waiting now: not enqueued twice

    assert task.task.call(*task.args_kwargs["args"]) == "sent"  # what the worker runs
    notification.refresh_from_db()
    assert notification.status == S.SENT and len(mail.outbox) == 1


def test_a_failure_to_enqueue_after_the_commit_fails_nothing_and_leaves_the_message_to_the_sweep(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import OperationalError

    from doithoai.notifications.actions import notify

    def broken(pk):
        raise OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(delivery, "enqueue", broken)
        with django_capture_on_commit_callbacks(execute=True):
            notification = notify(
                "test:enqueue-failed",
                kind="status",
                channel="email",
                recipient="a@example.vn",
                subject="Cập nhật",
                body="Đã trả lời",
            )

    assert not DBTaskResult.objects.exists()
    _age(notification)
    assert delivery.sweep() == 1
    assert DBTaskResult.objects.get().args_kwargs["args"] == [notification.pk]


def test_a_message_whose_task_died_before_claiming_it_is_enqueued_again():
    notification = _queued()
    delivery.enqueue(notification.pk)
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - dt.timedelta(minutes=5))
    _age(notification, 600)

    assert delivery.sweep() == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_a_recent_message_is_left_to_its_task():
    _queued()
    assert delivery.sweep() == 0


def test_the_sweep_is_bounded_per_run(monkeypatch):
    monkeypatch.setattr(delivery, "SWEEP_BATCH", 2)
    for i in range(3):
        _age(_queued(f"test:orphan:{i}"))

    assert delivery.sweep() == 2
    assert delivery.sweep() == 1
    assert delivery.sweep() == 0


def test_the_sweep_runs_with_the_periodic_clean_up(capsys):
    assert SWEEPS["notifications"] == "doithoai.notifications.delivery.sweep"
    _age(_queued())

    call_command("sweep", "notifications")

    assert json.loads(capsys.readouterr().out) == {"notifications": 1}


# ---------------------------------------------------------------- the HTTP SMS gateway


class _Gateway(http.server.BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[tuple[dict, dict]] = []

    def do_POST(self):  # noqa: N802 - the http.server interface
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Gateway.received.append((dict(self.headers), body))
        self.send_response(_Gateway.answers.pop(0))
        self.end_headers()

    def log_message(self, *args):  # the test's gateway writes nothing
        pass


@pytest.fixture
def gateway(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "doithoai.notifications.backends.HttpJsonSms"
    settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_TOKEN = "bi-mat"
    _Gateway.received = []
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_the_http_gateway_gets_the_same_idempotency_key_on_a_retry(gateway):
    gateway.answers = [503, 200]
    notification = _queued(channel="sms", recipient="0987654321")

    assert delivery.deliver(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.error == "Cổng SMS trả lời mã HTTP 503."
    Notification.objects.filter(pk=notification.pk).update(status=S.QUEUED)  # sent again (see "Gửi lại")
    assert delivery.deliver(notification.pk) == "sent"

    keys = [headers["Idempotency-Key"] for headers, _ in gateway.received]
    assert keys == [backends.message_key(notification)] * 2
    headers, body = gateway.received[0]
    assert body == {"to": "0987654321", "text": "Nội dung thử nghiệm."}
    assert headers["Authorization"] == "Bearer bi-mat"
