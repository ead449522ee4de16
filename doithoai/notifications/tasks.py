"""Background delivery of queued notifications (django-tasks, database worker); the logic is in delivery.py."""

from django_tasks import task

from doithoai.notifications import delivery


@task()
def deliver(notification_id: int) -> str:
    """Send one queued notification; a failure is recorded on it, never raised to the caller. Running it twice, or
    for a message another task already claimed, sends nothing more."""
    return delivery.deliver(notification_id)
