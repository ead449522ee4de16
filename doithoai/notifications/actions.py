"""Queuing a notification: recorded once per event, delivered after the transaction commits; sending one again."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from doithoai.accounts.models import RoleAssignment
from doithoai.notifications import backends, delivery, queries
from doithoai.notifications.models import Notification
from doithoai.notifications.redact import redact

S = Notification.Status
RESENDABLE = (S.FAILED, S.KEPT)


class ActionError(Exception):
    """A refusal to show the user (Vietnamese)."""


def notify(
    event_key: str,
    *,
    kind: str,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    petition=None,
    recipient_user=None,
    unit_id: int | None = None,
) -> Notification | None:
    """Record and queue one message; None when this event was already notified (never sent twice). Its outbox is
    `unit_id`, else the petition's unit, else the unit of the staff recipient's role."""
    if not recipient:
        return None
    if redact(event_key) != event_key:
        raise ValueError("an event key names ids and dates, never an address or a phone")
    if unit_id is None:
        unit_id = petition.unit_id if petition is not None else _unit_of(recipient_user)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                event_key=event_key[:200],
                kind=kind,
                channel=channel,
                recipient=recipient,
                subject=subject[:200],
                body=body,
                petition=petition,
                recipient_user=recipient_user,
                unit_id=unit_id,
            )
    except IntegrityError:
        return None
    # Robust: a failure to enqueue (the queue's database briefly unavailable) must not fail the action that
    # committed; the message stays queued without a task, and the sweep enqueues it.
    transaction.on_commit(_enqueue_later(notification.pk), robust=True)
    return notification


def _enqueue_later(pk: int):
    def enqueue_notification() -> None:  # a named function: a robust on_commit logs its __qualname__ on failure
        delivery.enqueue(pk)

    return enqueue_notification


def _unit_of(user) -> int | None:
    if user is None:
        return None
    return RoleAssignment.objects.filter(user=user).order_by("pk").values_list("unit_id", flat=True).first()


def notify_contact(
    event_key: str, *, kind: str, email: str, phone: str, subject: str, body: str, sms: str, petition=None
):
    """Tell a submitter by e-mail when given, and by SMS when a phone was given and SMS is configured."""
    from doithoai.notifications.backends import sms_gateway

    sent = []
    if email:
        sent.append(
            notify(
                f"{event_key}:email",
                kind=kind,
                channel="email",
                recipient=email,
                subject=subject,
                body=body,
                petition=petition,
            )
        )
    if phone and sms_gateway() is not None:
        sent.append(
            notify(
                f"{event_key}:sms",
                kind=kind,
                channel="sms",
                recipient=phone,
                subject=subject,
                body=sms,
                petition=petition,
            )
        )
    return [n for n in sent if n]


@transaction.atomic
def resend(notification: Notification, *, by) -> Notification:
    """Gửi lại: the coordinator puts a failed (or kept) message back in the queue, e.g. once the address or the
    mail server is fixed."""
    if not queries.may_resend(by, notification):
        raise PermissionDenied("notification.resend")
    if notification.status == S.KEPT and backends.channel_keeps(notification.channel):
        raise ActionError("Chưa cấu hình máy chủ gửi: gửi lại thì thư, tin nhắn vẫn chỉ được lưu tại hộp thư.")
    taken = Notification.objects.filter(pk=notification.pk, status__in=RESENDABLE).update(
        status=S.QUEUED, error="", claimed_at=None, claimed_by="", task_id=None
    )
    if not taken:
        raise ActionError("Chỉ gửi lại được thư, tin nhắn gửi lỗi hoặc đang lưu tại hộp thư.")
    transaction.on_commit(_enqueue_later(notification.pk))
    notification.refresh_from_db()
    return notification
