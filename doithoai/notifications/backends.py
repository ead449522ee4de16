"""Where messages go: e-mail through Django's mail backend (an SMTP server), SMS through a pluggable gateway.

Without a mail server (no EMAIL_HOST) or with the "outbox" SMS setting, nothing is sent and nothing is printed:
the message is kept in the outbox (the staff page /can-bo/thu-gui/), so no address or text ever reaches a log.
Each message carries a key derived from the notification, the same on every retry: the e-mail's Message-ID (a
mail server or a mail program can drop the second copy) and the SMS gateway's Idempotency-Key header.
"""

import inspect
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

OUTBOX_ONLY = "doithoai.notifications.backends.OutboxOnly"
# Backends that are not a mail server: with them a message is kept in the outbox. Django's console backend is
# one of them on purpose: it would print every recipient and text to the server's output.
NOT_A_MAIL_SERVER = {
    OUTBOX_ONLY,
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
SMS_OUTBOX_NAMES = {"outbox", "console"}  # "console" is the old name: it printed, it now keeps


class OutboxOnly(BaseEmailBackend):
    """The e-mail backend when no mail server is configured: sends nothing and prints nothing."""

    def send_messages(self, email_messages) -> int:
        return 0


def email_configured() -> bool:
    """Whether e-mails really leave (an SMTP server or another real backend), or are kept in the outbox."""
    return settings.EMAIL_BACKEND not in NOT_A_MAIL_SERVER


class SmsGateway:
    """The interface of an SMS gateway: `send(phone, text, key=…)` raises on failure. `key` is the same on every
    retry of one message: pass it to a gateway that deduplicates (an older gateway without `key` still works)."""

    def send(self, phone: str, text: str, *, key: str = "") -> None:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxSms(SmsGateway):
    """No gateway, for the demo and development: SMS are recorded and kept in the outbox, never sent or printed."""

    keeps = True

    def send(self, phone: str, text: str, *, key: str = "") -> None:  # pragma: no cover - never called
        raise RuntimeError("OutboxSms keeps messages; it does not send them")


ConsoleSms = OutboxSms  # the former development gateway wrote the phone and text to the log; it now keeps them


class HttpJsonSms(SmsGateway):
    """POSTs {"to", "text"} as JSON to DOITHOAI_SMS_URL with a bearer token and an Idempotency-Key header (most
    Vietnamese SMS brandname APIs accept a thin adapter of this shape)."""

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_TOKEN}"}
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's configuration
            settings.SMS_URL, data=json.dumps({"to": phone, "text": text}).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, TimeoutError) as error:
            raise RuntimeError(f"Không kết nối được cổng SMS ({type(error).__name__}).") from error
        if status >= 300:
            raise RuntimeError(f"Cổng SMS trả lời mã HTTP {status}.")


def sms_gateway() -> SmsGateway | None:
    """The configured SMS gateway (DOITHOAI_SMS_BACKEND), or None when SMS is not set up."""
    path = settings.SMS_BACKEND
    if not path:
        return None
    if path in SMS_OUTBOX_NAMES:
        return OutboxSms()
    return import_string(path)()


def channel_keeps(channel: str) -> bool:
    """Whether messages of this channel are kept in the outbox instead of sent (nothing configured to send)."""
    if channel == "email":
        return not email_configured()
    return getattr(sms_gateway(), "keeps", False)


def message_key(notification) -> str:
    """The notification's key for the channel: the same on every retry, different for every message and every
    installation (keyed with SECRET_KEY), and carrying nothing about the recipient."""
    digest = salted_hmac("doithoai.notifications.key", f"{notification.pk}:{notification.event_key}").hexdigest()
    return f"thongbao-{notification.pk}-{digest[:20]}"


def message_id(notification) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<{message_key(notification)}@{domain}>"


def deliver_email(notification) -> None:
    email = EmailMessage(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient],
        headers={"Message-ID": message_id(notification)},
    )
    email.send(fail_silently=False)


def deliver_sms(notification) -> None:
    gateway = sms_gateway()
    if gateway is None:
        raise RuntimeError("SMS chưa được cấu hình")
    if "key" in inspect.signature(gateway.send).parameters:
        gateway.send(notification.recipient, notification.body, key=message_key(notification))
    else:
        gateway.send(notification.recipient, notification.body)
