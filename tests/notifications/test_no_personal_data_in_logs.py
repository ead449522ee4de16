"""No personal data in logs: a whole workflow — a tố cáo and ordinary opinions with e-mail and phone, through the
public form and the API, assigned, answered, reminded, delivered by the worker, with an SMS gateway that fails —
while every log record is captured (at DEBUG, and what the configured stderr handler writes). No submitter's
name, e-mail, phone or words appear in either."""

import datetime as dt
import io
import json
import logging
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError

from doithoai.lib import clock
from doithoai.notifications import backends, delivery
from doithoai.notifications.models import Notification
from doithoai.petitions import actions
from doithoai.petitions.models import Petition
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)  # the database worker delivers: real commits

D = dt.date
SUBMITTERS = [
    {
        "name": "Hoàng Văn Tố",
        "phone": "0912 345 678",
        "email": "hoang.to.cao@gmail.com",
        "kind": "to_cao",
        "content": "Tôi tố cáo cán bộ địa chính thôn Đông nhận tiền của hộ ông Lưu để làm sai hồ sơ đất.",
        "address": "Số 7, thôn Đông",
    },
    {
        "name": "Trần Thị Mẫu",
        "phone": "0987 654 321",
        "email": "mau.tran@example.vn",
        "kind": "kien_nghi",
        "content": "Đề nghị sửa chữa đoạn đường từ cổng làng đến nhà văn hóa thôn Trung bị ngập sâu.",
        "address": "Số 12, xóm Giữa",
    },
    {
        "name": "Lê Văn Hùng",
        "phone": "0903111222",
        "email": "hung.le@yahoo.com",
        "kind": "kien_nghi",
        "content": "Đề nghị lắp đèn chiếu sáng đường trục thôn Bắc gần trường mầm non.",
        "address": "Thôn Bắc",
    },
]


class FailingSms(backends.SmsGateway):
    """A gateway whose error repeats the phone and the text, as some do."""

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        raise ConnectionError(f"Gateway refused {phone}: {text}")


def _secrets() -> list[str]:
    out = []
    for s in SUBMITTERS:
        out += [s["name"], s["email"], s["phone"], s["phone"].replace(" ", ""), s["content"][:40], s["address"]]
    return out


@pytest.fixture
def captured(caplog):
    """Every record at DEBUG (caplog), and the text of the stderr handler that settings.LOGGING installs."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stderr")
    stream = io.StringIO()
    old = handler.setStream(stream)
    caplog.set_level(logging.DEBUG)
    yield caplog, stream
    handler.setStream(old)


def _post_form(client, person: dict) -> None:
    page = client.get("/gui-y-kien/").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    fields = {k: person[k] for k in ("name", "phone", "email", "address", "kind", "content")}
    response = client.post("/gui-y-kien/", {**hidden, **fields, "consent": "on"})
    assert response.status_code in (200, 302), response.status_code


def _post_api(client, person: dict) -> None:
    body = {k: person[k] for k in ("name", "phone", "email", "address", "kind", "content")}
    response = client.post(
        "/api/v1/petitions",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": "log-test-1"},
    )
    assert response.status_code == 201, response.content


def _staff(commune):
    def account(username, role, org=None):
        user = factories.user_with_role(role, commune.unit, org, username=username)
        user.email = f"{username}@tanyen.example"
        user.save()
        return user

    return account("vanphong", "coordinator"), account("kinhte", "agency", commune.economy), account("bithu", "chair")


def _work_through(commune, coordinator, officer, chair) -> None:
    """Classify and assign the ordinary opinions (one answered and approved), send the tố cáo to its procedure."""
    for petition in Petition.objects.order_by("pk"):
        if petition.kind == "to_cao":
            actions.send_to_legal_track(petition, body="Ủy ban Kiểm tra Đảng ủy", by=coordinator)
            continue
        petition = actions.classify(
            petition,
            topic=factories.canonical_topic(),
            kind="kien_nghi",
            jurisdiction="commune",
            public_summary="Đề nghị sửa đường.",
            by=coordinator,
        )
        actions.assign(petition, commune.economy, deadline=D(2026, 12, 4), by=coordinator)
    answered = Petition.objects.filter(kind="kien_nghi").order_by("pk").first()
    actions.record_answer(answered, "Xã đã bố trí kinh phí sửa chữa.", by=officer)
    actions.approve_answer(Petition.objects.get(pk=answered.pk), by=chair)


def test_a_whole_workflow_logs_no_submitters_name_contact_or_words(client, commune, settings, captured):
    caplog, stderr = captured
    settings.SMS_BACKEND = f"{__name__}.FailingSms"
    with time_machine.travel(clock.local_datetime(D(2026, 11, 23), 9), tick=True):
        _post_form(client, SUBMITTERS[0])
        _post_form(client, SUBMITTERS[1])
        _post_api(client, SUBMITTERS[2])
        assert Petition.objects.count() == 3
        _work_through(commune, *_staff(commune))
    for day in (D(2026, 12, 2), D(2026, 12, 8)):  # due soon, then overdue: the morning's reminders
        with time_machine.travel(clock.local_datetime(day, 6, 30), tick=True):
            call_command("remind", stdout=io.StringIO())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    call_command("sweep", stdout=io.StringIO())
    logging.getLogger("django.db").error("IntegrityError", exc_info=IntegrityError(f"Key=({SUBMITTERS[1]['email']})"))

    statuses = set(Notification.objects.values_list("status", flat=True))
    assert statuses == {Notification.Status.SENT, Notification.Status.FAILED}  # e-mails sent, SMS refused
    assert any(SUBMITTERS[0]["email"] in m.to for m in mail.outbox)  # the tố cáo's submitter was told by e-mail
    records = "\n".join(
        r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "") for r in caplog.records
    )
    written = stderr.getvalue()
    assert "Notification" in records and "sent" in records and "failed" in records  # it did log the deliveries
    assert "IntegrityError" in written and "[email]" in written  # the filter, not the code, hid this one
    for secret in _secrets():
        assert secret not in written, secret
        if secret != SUBMITTERS[1]["email"]:  # the record above carries it on purpose, for the filter
            assert secret not in records, secret
    for n in Notification.objects.filter(status=Notification.Status.FAILED):
        assert n.recipient not in n.error and "[phone]" in n.error  # kept in the outbox without the number


def test_the_filter_hides_contacts_in_messages_arguments_and_tracebacks(captured):
    caplog, stderr = captured
    logger = logging.getLogger("doithoai.test")
    logger.warning("Gửi tới %s lỗi", "nguoi.gui@gmail.com")
    logger.info("SMS %s: %s", "+84 912 345 678", "0987.654.321")
    try:
        raise IntegrityError("duplicate key value violates unique constraint DETAIL: Key (email)=(a.b@c.vn)")
    except IntegrityError:
        logger.exception("Lưu thất bại cho %s", "0912345678")

    written = stderr.getvalue()
    for secret in ("nguoi.gui@gmail.com", "+84 912 345 678", "0987.654.321", "a.b@c.vn", "0912345678"):
        assert secret not in written
    assert "Gửi tới [email] lỗi" in written and "SMS [phone]: [phone]" in written
    assert "Key (email)=([email])" in written and "Lưu thất bại cho [phone]" in written


def test_ids_codes_and_dates_are_kept(captured):
    caplog, stderr = captured
    logging.getLogger("doithoai.test").info(
        "Notification 12345 (petition:42:receipt:email) K7QX-M3RW-9HTD-B 2026-12-07 0.25 s 10.0.0.1"
    )
    assert "Notification 12345 (petition:42:receipt:email) K7QX-M3RW-9HTD-B 2026-12-07 0.25 s 10.0.0.1" in (
        stderr.getvalue()
    )


def test_without_a_mail_server_nothing_is_printed_and_messages_stay_in_the_outbox(settings, capfd, captured):
    caplog, stderr = captured
    settings.EMAIL_BACKEND = backends.OUTBOX_ONLY
    n = Notification.objects.create(
        event_key="t:1",
        kind="receipt",
        channel="email",
        recipient="nguoi@gmail.com",
        subject="Đã tiếp nhận",
        body="Nội dung riêng tư.",
    )

    assert delivery.deliver(n.pk) == "kept"

    out, err = capfd.readouterr()
    for text in (out, err, stderr.getvalue(), caplog.text):
        assert "nguoi@gmail.com" not in text and "Nội dung riêng tư." not in text
    n.refresh_from_db()
    assert n.status == Notification.Status.KEPT and mail.outbox == []
