"""Delivering queued notifications: e-mail, SMS through the configured gateway, failures recorded, never twice."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from doithoai.notifications.actions import notify, notify_contact
from doithoai.notifications.backends import SmsGateway
from doithoai.notifications.models import Notification
from doithoai.notifications.tasks import deliver

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class RecordingSms(SmsGateway):
    """A test gateway: remembers what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingSms.sent.append((phone, text))


class BrokenSms(SmsGateway):
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("Cổng SMS không phản hồi (HTTP 503)")


class VerboseSms(SmsGateway):
    def send(self, phone: str, text: str) -> None:
        raise RuntimeError("lỗi " * 500)


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Máy chủ thư ngắt kết nối")


@pytest.fixture(autouse=True)
def _fresh_gateway():
    RecordingSms.sent = []


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once (the database queue's worker is not running in tests)."""
    settings.TASKS = IMMEDIATE


def _queued(channel="email", recipient="phongkinhte@tanyen.example", key="test:1", body="Nội dung thử nghiệm."):
    return Notification.objects.create(
        event_key=key,
        kind=Notification.Kind.STATUS,
        channel=channel,
        recipient=recipient,
        subject="Ý kiến K7QX-M3RW-9HTD-B: Đang giải quyết",
        body=body,
    )


def test_deliver_sends_an_email_and_marks_it_sent():
    notification = _queued()

    assert deliver.call(notification.pk) == "sent"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["phongkinhte@tanyen.example"]
    assert message.subject == "Ý kiến K7QX-M3RW-9HTD-B: Đang giải quyết"
    assert message.body == "Nội dung thử nghiệm."
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None
    assert notification.error == ""


@pytest.mark.parametrize("backend", ["outbox", "console", "doithoai.notifications.backends.ConsoleSms"])
def test_the_outbox_sms_setting_keeps_the_message_and_prints_nothing(settings, caplog, capfd, backend):
    # "console" and ConsoleSms are the former names: they wrote the phone and the text to the log.
    settings.SMS_BACKEND = backend
    notification = _queued(channel="sms", recipient="0987654321", body="Y kien K7QX: Dang giai quyet")

    with caplog.at_level("DEBUG"):
        assert deliver.call(notification.pk) == "kept"

    out, err = capfd.readouterr()
    for text in (caplog.text, out, err):
        assert "0987654321" not in text and "Dang giai quyet" not in text
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.status == Notification.Status.KEPT
    assert notification.get_status_display() == "Lưu tại hộp thư, chưa gửi"


def test_deliver_sends_an_sms_through_a_configured_gateway_class(settings):
    settings.SMS_BACKEND = f"{__name__}.RecordingSms"
    notification = _queued(channel="sms", recipient="0987654321", body="Y kien K7QX: Da tra loi")

    deliver.call(notification.pk)

    assert RecordingSms.sent == [("0987654321", "Y kien K7QX: Da tra loi")]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


def test_a_gateway_that_raises_marks_the_sms_failed_and_keeps_the_error(settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenSms"
    notification = _queued(channel="sms", recipient="0987654321")

    assert deliver.call(notification.pk) == "failed"  # nothing raised to the worker

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.error == "Cổng SMS không phản hồi (HTTP 503)"
    assert notification.sent_at is None


def test_a_mail_server_failure_marks_the_email_failed(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"
    notification = _queued()

    assert deliver.call(notification.pk) == "failed"

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "Máy chủ thư ngắt kết nối" in notification.error


def test_an_sms_without_a_configured_gateway_fails_with_a_vietnamese_reason(settings):
    settings.SMS_BACKEND = ""
    notification = _queued(channel="sms", recipient="0987654321")

    deliver.call(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.error == "SMS chưa được cấu hình"


def test_a_very_long_error_is_cut_to_the_field_length(settings):
    settings.SMS_BACKEND = f"{__name__}.VerboseSms"
    notification = _queued(channel="sms", recipient="0987654321")

    deliver.call(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.error.startswith("lỗi lỗi")
    assert len(notification.error) == 300


def test_a_notification_is_never_delivered_twice():
    notification = _queued()

    assert deliver.call(notification.pk) == "sent"
    assert deliver.call(notification.pk) == "already handled"

    assert len(mail.outbox) == 1


def test_a_failed_notification_is_not_retried_by_a_second_delivery(settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenSms"
    notification = _queued(channel="sms", recipient="0987654321")
    deliver.call(notification.pk)
    settings.SMS_BACKEND = f"{__name__}.RecordingSms"

    assert deliver.call(notification.pk) == "already handled"

    assert RecordingSms.sent == []


def test_delivering_an_unknown_notification_does_nothing():
    assert deliver.call(987654) == "already handled"
    assert mail.outbox == []


def test_the_same_event_is_notified_once(immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            "petition:1:receipt:email",
            kind="receipt",
            channel="email",
            recipient="a@example.vn",
            subject="Đã tiếp nhận",
            body="Mã theo dõi: K7QX",
        )
        second = notify(
            "petition:1:receipt:email",
            kind="receipt",
            channel="email",
            recipient="a@example.vn",
            subject="Đã tiếp nhận",
            body="Mã theo dõi: K7QX",
        )

    assert first is not None and second is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_delivered_before_the_transaction_commits(immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(
            "test:uncommitted",
            kind="status",
            channel="email",
            recipient="a@example.vn",
            subject="Cập nhật",
            body="Đang giải quyết",
        )

    assert len(callbacks) == 1
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED

    callbacks[0]()  # the commit happens

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


def test_a_notification_without_an_address_is_not_recorded():
    assert notify("test:nobody", kind="status", channel="email", recipient="", subject="x", body="y") is None
    assert not Notification.objects.exists()


def test_the_submitter_gets_an_sms_only_when_a_gateway_is_configured(
    settings, immediate_tasks, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = ""
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_contact(
            "petition:7:receipt",
            kind="receipt",
            email="",
            phone="0987654321",
            subject="Đã tiếp nhận",
            body="…",
            sms="Da tiep nhan y kien",
        )
    assert sent == []

    settings.SMS_BACKEND = f"{__name__}.RecordingSms"
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_contact(
            "petition:7:receipt",
            kind="receipt",
            email="nguoigui@example.vn",
            phone="0987654321",
            subject="Đã tiếp nhận",
            body="Mã theo dõi K7QX",
            sms="Da tiep nhan y kien",
        )

    assert {n.channel for n in sent} == {"email", "sms"}
    assert RecordingSms.sent == [("0987654321", "Da tiep nhan y kien")]
    assert [m.to for m in mail.outbox] == [["nguoigui@example.vn"]]


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections: real commits needed
def test_with_the_database_queue_the_worker_delivers_what_was_enqueued():
    # The settings' own TASKS: django-tasks-db. Enqueuing writes a task row on commit; only the worker sends it.
    with transaction.atomic():
        notification = notify(
            "test:db-queue",
            kind="status",
            channel="email",
            recipient="a@example.vn",
            subject="Cập nhật",
            body="Đã trả lời",
        )
        assert not DBTaskResult.objects.exists()  # nothing is enqueued before the commit

    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [notification.pk], "kwargs": {}}
    assert task.task_path == "doithoai.notifications.tasks.deliver"
    assert mail.outbox == []  # not yet: only the worker sends

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)  # nothing left to run
    assert len(mail.outbox) == 1
