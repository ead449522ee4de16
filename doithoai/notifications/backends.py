"""Where messages go: e-mail through Django's mail backend (console by default), SMS through a pluggable gateway."""

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsGateway:
    """The interface of an SMS gateway: `send(phone, text)` raises on failure."""

    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSms(SmsGateway):
    """Writes the SMS to the log (standard error): the demo and development gateway."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS tới %s: %s", phone, text)


class HttpJsonSms(SmsGateway):
    """POSTs {"to", "text"} as JSON to DOITHOAI_SMS_URL with a bearer token (most Vietnamese SMS brandname APIs
    accept a thin adapter of this shape)."""

    def send(self, phone: str, text: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's configuration
            settings.SMS_URL,
            data=json.dumps({"to": phone, "text": text}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_TOKEN}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            if response.status >= 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


def sms_gateway() -> SmsGateway | None:
    """The configured SMS gateway (DOITHOAI_SMS_BACKEND), or None when SMS is not set up."""
    path = settings.SMS_BACKEND
    if not path:
        return None
    if path == "console":
        return ConsoleSms()
    return import_string(path)()


def deliver_email(recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)


def deliver_sms(recipient: str, body: str) -> None:
    gateway = sms_gateway()
    if gateway is None:
        raise RuntimeError("SMS chưa được cấu hình")
    gateway.send(recipient, body)
