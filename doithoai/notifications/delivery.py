"""At-least-once delivery that survives a crash: claim, send with a per-message key, mark; a sweep for the rest.

A message goes queued → sending → sent (or kept, or failed). "Sending" is a claim: a conditional UPDATE that
only one of any number of tasks for the message wins, so a duplicate task is harmless; it records when, by which
process, and the attempt number. A worker killed mid-send (`kill -9`) leaves the claim: once it is older than
NOTIFY_CLAIM_TIMEOUT × the attempt number (a timeout longer than any send, growing with each attempt), the sweep
puts the message back in the queue, up to NOTIFY_MAX_ATTEMPTS claims, then marks it failed. The first copy may
have left before the crash, so a retry can send twice: both copies carry the same key (the e-mail's Message-ID,
the SMS gateway's Idempotency-Key), so a receiver that deduplicates shows it once.

The sweep (`doithoai sweep`, every minute under `doithoai serve --with-worker`) also enqueues again the queued
messages whose task is gone: a crash between the commit and the enqueue, a worker killed before it claimed.

These are the machinery's own state changes (no user, no permission); what a person does to a message, such as
sending a failed one again, is in actions.py. Log lines carry notification ids and event keys only: never an
address, a name or a text.
"""

import datetime as dt
import logging
import os
import smtplib
import socket

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from doithoai.notifications import backends
from doithoai.notifications.models import Notification
from doithoai.notifications.redact import redact

logger = logging.getLogger(__name__)

S = Notification.Status
SWEEP_BATCH = 500  # messages a sweep looks at per kind of fault; the next run takes the rest
ORPHAN_AFTER = dt.timedelta(seconds=60)  # a queued message older than this with no waiting task has lost it
GAVE_UP = "Không gửi được sau %(n)s lần thử (tiến trình gửi bị dừng giữa chừng)."


def worker_name() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT)


def claim(pk: int) -> Notification | None:
    """Take a queued message to send it; None when it is not queued (sent, failed, or another task has it)."""
    taken = Notification.objects.filter(pk=pk, status=S.QUEUED).update(
        status=S.SENDING, claimed_at=timezone.now(), claimed_by=worker_name(), attempts=F("attempts") + 1
    )
    return Notification.objects.filter(pk=pk).first() if taken else None


def deliver(pk: int) -> str:
    """Send one message once claimed: "sent", "kept" (nothing configured to send), "failed", or "already handled"."""
    notification = claim(pk)
    if notification is None:
        return "already handled"
    if backends.channel_keeps(notification.channel):
        _finish(notification, S.KEPT)
        return "kept"
    try:
        if notification.channel == Notification.Channel.EMAIL:
            backends.deliver_email(notification)
        else:
            backends.deliver_sms(notification)
    except Exception as error:  # noqa: BLE001 - any channel failure is recorded on the message, not raised
        reason = _reason(error)
        mine = Q(status=S.SENDING, claimed_by=notification.claimed_by, attempts=notification.attempts)
        Notification.objects.filter(mine, pk=pk).update(status=S.FAILED, error=reason)
        logger.warning("Notification %s (%s) failed: %s", pk, notification.event_key, type(error).__name__)
        return "failed"
    _finish(notification, S.SENT)
    logger.info("Notification %s (%s) sent", pk, notification.event_key)
    return "sent"


# What the coordinator reads in the outbox for the usual failures (the channel's own words follow).
REASONS = (
    (smtplib.SMTPAuthenticationError, "Máy chủ thư không chấp nhận tài khoản gửi"),
    (smtplib.SMTPRecipientsRefused, "Máy chủ thư từ chối địa chỉ người nhận"),
    (smtplib.SMTPSenderRefused, "Máy chủ thư từ chối địa chỉ gửi"),
    (ConnectionRefusedError, "Máy chủ gửi từ chối kết nối"),
    (TimeoutError, "Máy chủ gửi không trả lời kịp"),
    (socket.gaierror, "Không tìm thấy máy chủ gửi (sai tên máy chủ?)"),
)


def _reason(error: Exception) -> str:
    """Why a send failed, in Vietnamese where the failure is a usual one, without any address or phone."""
    detail = str(error) or type(error).__name__
    label = next((text for kind, text in REASONS if isinstance(error, kind)), "")
    return redact(f"{label}: {detail}" if label else detail)[:300]


def _finish(notification: Notification, status: str) -> None:
    # Sent is sent, even if the sweep meanwhile gave the claim up as dead (this process was only slow): the
    # retry then finds it done and sends nothing.
    Notification.objects.filter(pk=notification.pk).exclude(status__in=[S.SENT, S.KEPT]).update(
        status=status, sent_at=timezone.now() if status == S.SENT else None, error=""
    )


def enqueue(pk: int) -> None:
    """Put one message on the task queue and remember its task, so the sweep can tell when it is lost."""
    from doithoai.notifications.tasks import deliver as deliver_task

    result = deliver_task.enqueue(pk)
    if _task_model() is not None:
        Notification.objects.filter(pk=pk, status=S.QUEUED).update(task_id=result.id)


def sweep() -> int:
    """Re-queue what a crash left behind: claims never finished (after their timeout, up to the maximum of
    attempts) and queued messages whose task is gone. Bounded per run; returns how many it enqueued."""
    now = timezone.now()
    ids = _orphans(now)  # first: a claim released below is queued with no task yet, and is enqueued once
    ids += _release_stale_claims(now)
    for pk in ids:
        enqueue(pk)
    if ids:
        logger.info("Notifications re-queued: %s", ", ".join(map(str, ids[:50])))
    return len(ids)


def _release_stale_claims(now: dt.datetime) -> list[int]:
    timeout, most = claim_timeout(), settings.NOTIFY_MAX_ATTEMPTS
    stale = Q(attempts__gte=most, claimed_at__lt=now - timeout * most)
    for n in range(1, most):  # the n-th attempt is given n × the timeout
        stale |= Q(attempts=n, claimed_at__lt=now - timeout * n)
    rows = Notification.objects.filter(stale, status=S.SENDING).order_by("claimed_at")
    released = []
    for pk, attempts, claimed_at in rows.values_list("pk", "attempts", "claimed_at")[:SWEEP_BATCH]:
        # Conditional on the claim seen: a sender that finishes meanwhile wins.
        still = Notification.objects.filter(pk=pk, status=S.SENDING, claimed_at=claimed_at)
        if attempts >= most:
            if still.update(status=S.FAILED, error=GAVE_UP % {"n": attempts}):
                logger.warning("Notification %s given up after %s attempts", pk, attempts)
        elif still.update(status=S.QUEUED, claimed_by=""):
            logger.warning("Notification %s: claim of attempt %s not finished, queued again", pk, attempts)
            released.append(pk)
    return released


def _orphans(now: dt.datetime) -> list[int]:
    """Queued messages older than ORPHAN_AFTER whose task is not waiting in the queue nor just started."""
    queued = Notification.objects.filter(status=S.QUEUED, created_at__lt=now - ORPHAN_AFTER)
    tasks = _task_model()
    if tasks is not None:
        alive = tasks.objects.filter(id=OuterRef("task_id")).filter(
            Q(status="READY") | Q(status="RUNNING", started_at__gte=now - ORPHAN_AFTER)
        )
        queued = queued.exclude(Exists(alive))
    return list(queued.order_by("created_at", "pk").values_list("pk", flat=True)[:SWEEP_BATCH])


def _task_model():
    """django-tasks-db's model when the queue is the database, else None (no task to look up)."""
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult
