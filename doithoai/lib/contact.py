"""Contact details as people type them: Vietnamese phone numbers and e-mail addresses."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_PHONE_JUNK = re.compile(r"[\s.\-()]")


def normalise_phone(value: str) -> str:
    """ "+84 912.345.678" → "0912345678"; raise ValidationError (Vietnamese) for anything not a VN number."""
    value = _PHONE_JUNK.sub("", value or "")
    if not value:
        return ""
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    if not re.fullmatch(r"0\d{9,10}", value):
        raise ValidationError("Số điện thoại không hợp lệ (cần 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84).")
    return value


def normalise_email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError as error:
        raise ValidationError("Địa chỉ thư điện tử không hợp lệ.") from error
    return value.lower() if len(value) <= 254 else value
