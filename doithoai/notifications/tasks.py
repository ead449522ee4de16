"""Background delivery of queued notifications (django-tasks, database worker)."""

from django.utils import timezone
from django_tasks import task

from doithoai.notifications import backends
from doithoai.notifications.models import Notification


@task()
def deliver(notification_id: int) -> str:
    """Send one queued notification; a failure is recorded on it, never raised to the caller."""
    notification = Notification.objects.filter(pk=notification_id, status=Notification.Status.QUEUED).first()
    if notification is None:
        return "already handled"
    try:
        if notification.channel == Notification.Channel.EMAIL:
            backends.deliver_email(notification.recipient, notification.subject, notification.body)
        else:
            backends.deliver_sms(notification.recipient, notification.body)
    except Exception as error:  # noqa: BLE001 - any gateway failure is recorded, not raised
        Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.FAILED, error=str(error)[:300])
        return "failed"
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.SENT, sent_at=timezone.now())
    return "sent"
