"""Queuing a notification: recorded once per event, delivered after the transaction commits."""

from django.db import IntegrityError, transaction

from doithoai.notifications.models import Notification


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
) -> Notification | None:
    """Record and queue one message; None when this event was already notified (never sent twice)."""
    if not recipient:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                event_key=event_key[:200], kind=kind, channel=channel, recipient=recipient, subject=subject[:200],
                body=body, petition=petition, recipient_user=recipient_user,
            )  # fmt: skip
    except IntegrityError:
        return None
    from doithoai.notifications.tasks import deliver

    transaction.on_commit(lambda: deliver.enqueue(notification.pk))
    return notification


def notify_contact(event_key: str, *, kind: str, email: str, phone: str, subject: str, body: str, sms: str, petition=None):
    """Tell a submitter by e-mail when given, and by SMS when a phone was given and SMS is configured."""
    from doithoai.notifications.backends import sms_gateway

    sent = []
    if email:
        sent.append(notify(f"{event_key}:email", kind=kind, channel="email", recipient=email, subject=subject,
                           body=body, petition=petition))  # fmt: skip
    if phone and sms_gateway() is not None:
        sent.append(notify(f"{event_key}:sms", kind=kind, channel="sms", recipient=phone, subject=subject,
                           body=sms, petition=petition))  # fmt: skip
    return [n for n in sent if n]
