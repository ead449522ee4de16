"""Masking contacts: the outbox and the admin show a confidential case's recipient masked, and no log line ever
carries an e-mail address or a phone number.

Pure functions and a logging filter, with no model import: settings.LOGGING loads the filter before the apps.
"""

import logging
import re

# An e-mail address, and a Vietnamese phone number (0…, 84…, +84…; 9–11 digits, possibly grouped by spaces,
# dots or dashes). Broad on purpose: in a log, hiding a number that was not a phone costs nothing.
EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w.+])(?:\+?84|0)(?:[ .-]?\d){8,10}(?![\w])")
EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"


def mask_email(address: str) -> str:
    """`nguyen.van.a@gmail.com` → `n***@g***.com`: enough to tell two addresses apart, not to write to one."""
    local, _, domain = address.strip().partition("@")
    host, _, tld = domain.rpartition(".")
    if not host:  # no dot in the domain
        host, tld = domain, ""
    return f"{local[:1]}***@{host[:1]}***{'.' + tld if tld else ''}"


def mask_phone(phone: str) -> str:
    """`0987654321` → `09******21`: the digits are kept only at both ends."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_recipient(recipient: str) -> str:
    """An e-mail address or a phone number, masked."""
    return mask_email(recipient) if "@" in recipient else mask_phone(recipient)


def redact(text: str) -> str:
    """The text with every e-mail address and phone number replaced by a placeholder."""
    if not text:
        return text
    return PHONE.sub(PHONE_TOKEN, EMAIL.sub(EMAIL_TOKEN, text))


class RedactPersonalData(logging.Filter):
    """Defence in depth on every log handler: whatever a record carries (its message, its arguments, the text of
    an exception such as a database IntegrityError or a gateway's error), e-mails and phones are replaced.

    The code itself logs ids, event keys and tracking codes only; this catches what a library puts in a message."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep its raw text
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
